"use client";

import { useLayoutEffect, useRef } from "react";
import { AnsiPre } from "./ansi-pre";
import type { OutputEntry } from "./run-state";
import { TruncationNotice } from "./truncation-notice";

/**
 * stdout / stderr: the tail the StreamBuffer keeps, with a notice when that is not all of
 * it. A long stream scrolls in its own box and follows new text like a terminal, unless
 * the user scrolled up to read.
 */
export function StreamOutput({ entry }: { entry: OutputEntry }) {
  const o = entry.output;
  const view = entry.stream!.view();
  const name = o.output_type === "stream" ? o.name : "stdout";
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const first = useRef(entry.version);

  // Only as text arrives (not when a loaded notebook renders: no forced layout at load).
  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow.current && entry.version !== first.current) el.scrollTop = el.scrollHeight;
  }, [entry.version]);

  return (
    <div className={`nb-output nb-stream nb-${name}`}>
      {view.truncated ? <TruncationNotice view={view} executionId={entry.executionId} index={entry.index} /> : null}
      <div
        ref={box}
        className="nb-stream-box"
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
        }}
      >
        <AnsiPre text={view.text} />
      </div>
    </div>
  );
}
