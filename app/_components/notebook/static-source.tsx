"use client";

import { memo, useEffect, useRef, useState } from "react";
import { cachedHighlight, highlightPython } from "./highlight";
import type { CellType } from "./types";
import { whenVisible } from "./when-visible";

/**
 * An unfocused cell's source: a plain <pre>, a fraction of a CodeMirror view's cost (the
 * editor mounts only when the cell is edited). Code is first shown as plain text and
 * highlighted once it nears the viewport, so opening a long notebook parses nothing unseen.
 */
export const StaticSource = memo(function StaticSource({ type, source }: { type: CellType; source: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const [done, setDone] = useState<{ source: string; html: string | null } | null>(null);
  const current = type !== "code" ? null : done?.source === source ? done.html : (cachedHighlight(source) ?? null);

  useEffect(() => {
    if (type !== "code" || current !== null || done?.source === source || !ref.current) return;
    return whenVisible(ref.current, () => setDone({ source, html: highlightPython(source) }));
  }, [type, source, current, done]);

  return (
    <pre className="nb-static" ref={ref}>
      {current !== null ? <code dangerouslySetInnerHTML={{ __html: current }} /> : <code>{source}</code>}
    </pre>
  );
});
