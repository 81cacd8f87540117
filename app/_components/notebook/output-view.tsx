import { memo } from "react";
import { ErrorOutput } from "./error-output";
import { RichOutput } from "./rich-output";
import type { OutputEntry } from "./run-state";
import { StreamOutput } from "./stream-output";

/** One output; re-renders only when its entry's version changes (a stream grew, a display was updated). */
export const OutputView = memo(
  function OutputView({ entry }: { entry: OutputEntry }) {
    const o = entry.output;
    if (o.output_type === "stream") return <StreamOutput entry={entry} />;
    if (o.output_type === "error") return <ErrorOutput output={o} />;
    return (
      <div className="nb-output nb-rich">
        <RichOutput output={o} executionId={entry.executionId} index={entry.index} />
      </div>
    );
  },
  (a, b) => a.entry.key === b.entry.key && a.entry.version === b.entry.version,
);
