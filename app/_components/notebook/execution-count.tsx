"use client";

import { useController, useRun } from "./use-store";

/** "[n]:" once run, "[*]:" while queued or running, "[ ]:" before. */
export function ExecutionCount({ id }: { id: string }) {
  const c = useController();
  const run = useRun(c.store, id);
  const busy = run.status === "queued" || run.status === "running";
  const text = busy ? "*" : run.executionCount != null ? String(run.executionCount) : " ";
  return (
    <span className={`nb-count${busy ? " nb-count-busy" : ""}`} data-testid="execution-count" title={busy ? `Cell ${run.status}` : undefined}>
      [{text}]:
    </span>
  );
}
