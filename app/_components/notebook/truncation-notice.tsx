import type { StreamView } from "./stream-buffer";

/** Shown when only the tail of an output is on the page; the full text is one link away. */
export function TruncationNotice({ view, executionId, index }: { view: StreamView; executionId: number | null; index: number | null }) {
  const hidden = view.totalLines - view.shownLines;
  return (
    <p className="nb-truncated" data-testid="output-truncated">
      Output truncated: showing the last {view.shownLines} of {view.totalLines} lines
      {hidden > 0 ? "" : " (long lines cut)"}.{" "}
      {executionId !== null && index !== null ? (
        <a href={`/api/executions/${executionId}/outputs/${index}`} target="_blank" rel="noopener">
          Open the full output
        </a>
      ) : null}
    </p>
  );
}
