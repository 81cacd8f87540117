"use client";

import { InputPrompt } from "./input-prompt";
import { OutputView } from "./output-view";
import { useController, useRun } from "./use-store";

/** A code cell's outputs, subscribed on their own: new output re-renders this, never the editor above. */
export function CellOutputs({ id }: { id: string }) {
  const c = useController();
  const run = useRun(c.store, id);
  return (
    <div className="nb-outputs" data-testid="cell-outputs" aria-live="off">
      {run.outputs.map((e) => (
        <OutputView key={e.key} entry={e} />
      ))}
      {run.input ? <InputPrompt key={run.input.executionId} cellId={id} request={run.input} /> : null}
    </div>
  );
}
