import { memo } from "react";
import { AnsiPre } from "./ansi-pre";
import { JsonOutput } from "./json-output";
import { renderMarkdown } from "./markdown";
import { renderTex } from "./math";
import { mimeText, pickMime } from "./mime";
import { sanitizeHtml, sanitizeSvg } from "./sanitize";
import { cappedText } from "./text-view";
import { TruncationNotice } from "./truncation-notice";
import type { DataOutput } from "./types";

/** Above this an HTML output is shown as its text/plain alternative: the page must stay responsive. */
const MAX_HTML = 2_000_000;

function size(meta: unknown): { width?: number; height?: number } {
  const m = meta as { width?: unknown; height?: unknown } | undefined;
  return { width: typeof m?.width === "number" ? m.width : undefined, height: typeof m?.height === "number" ? m.height : undefined };
}

/** execute_result / display_data: the richest representation the kernel sent. */
export const RichOutput = memo(function RichOutput({ output, executionId, index }: { output: DataOutput; executionId: number | null; index: number | null }) {
  const data = output.data ?? {};
  let mime = pickMime(data);
  if (mime === "text/html" && mimeText(data[mime]).length > MAX_HTML && data["text/plain"] !== undefined) mime = "text/plain";
  const meta = (output.metadata ?? {}) as Record<string, unknown>;
  switch (mime) {
    case "application/json":
      return <JsonOutput value={data[mime]} />;
    case "text/html":
      return <div className="nb-html" dangerouslySetInnerHTML={{ __html: sanitizeHtml(mimeText(data[mime])) }} />;
    case "text/markdown":
      return <div className="nb-markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(mimeText(data[mime])) }} />;
    case "text/latex": {
      const tex = mimeText(data[mime]).trim().replace(/^\$\$?([\s\S]*?)\$?\$$/, "$1");
      return <div className="nb-latex" dangerouslySetInnerHTML={{ __html: sanitizeHtml(renderTex(tex, true)) }} />;
    }
    case "image/svg+xml": {
      const svg = sanitizeSvg(mimeText(data[mime]));
      // As an <img>: even a sanitiser miss could not run script inside an image.
      return <img className="nb-image" alt="SVG output" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} {...size(meta[mime])} />;
    }
    case "image/png":
    case "image/jpeg":
    case "image/gif": {
      const b64 = mimeText(data[mime]).replace(/\s+/g, "");
      return <img className="nb-image" alt={`${mime.slice(6).toUpperCase()} output`} src={`data:${mime};base64,${b64}`} loading="lazy" decoding="async" {...size(meta[mime])} />;
    }
    case "text/plain": {
      const view = cappedText(output, mimeText(data[mime]));
      return (
        <>
          {view.truncated ? <TruncationNotice view={view} executionId={executionId} index={index} /> : null}
          <AnsiPre text={view.text} />
        </>
      );
    }
    default:
      return <p className="muted nb-unsupported">Output of type {Object.keys(data).join(", ") || "(none)"} cannot be shown here.</p>;
  }
});
