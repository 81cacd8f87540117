"use client";

import { memo, useMemo } from "react";
import { renderMarkdown } from "./markdown";
import { useController } from "./use-store";

/** A rendered markdown cell (sanitised HTML with KaTeX). Double-click edits it, as in Jupyter. */
export const MarkdownView = memo(function MarkdownView({ id, source }: { id: string; source: string }) {
  const c = useController();
  const html = useMemo(() => renderMarkdown(source), [source]);
  if (!source.trim()) {
    return (
      <div className="nb-markdown nb-markdown-empty" onClick={() => c.edit(id)}>
        Empty markdown cell: click to write.
      </div>
    );
  }
  return <div className="nb-markdown" onDoubleClick={() => c.edit(id)} dangerouslySetInnerHTML={{ __html: html }} />;
});
