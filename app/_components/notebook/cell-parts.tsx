"use client";

import { CellOutputs } from "./cell-outputs";
import { outputsHidden, PARAMETERS_TAG, withHidden } from "./cell-metadata";
import { useSignal } from "./signal";
import { useController, useRun } from "./use-store";

/** The pipeline steps this cell became ("Promote to step"): a mark each, saying when the step is behind the cell. */
export function CellSteps({ id }: { id: string }) {
  const c = useController();
  const steps = useSignal(c.steps)?.filter((s) => s.cell_ids.includes(id));
  if (!steps?.length) return null;
  return (
    <div className="nb-tags" aria-label="Pipeline steps">
      {steps.map((s) => (
        <a key={`${s.pipeline_id}:${s.step}`} href={`/pipelines/${s.pipeline_id}`} className="nb-tag nb-tag-step" data-testid="step-mark"
          title={s.up_to_date ? `Step ${s.step} of ${s.pipeline} runs this cell as it is` : `Step ${s.step} of ${s.pipeline} runs an older version of this cell: update it from "Promote to step"`}>
          step {s.pipeline}/{s.step}{s.up_to_date ? "" : " (changed)"}
        </a>
      ))}
    </div>
  );
}

/**
 * A cell's tags, above its input. The `parameters` one stands out: "Run as experiment"
 * injects the values it is given right after this cell (papermill's convention).
 */
export function CellTags({ tags }: { tags: string[] }) {
  return (
    <div className="nb-tags" aria-label="Cell tags">
      {tags.map((t) =>
        t === PARAMETERS_TAG ? (
          <span key={t} className="nb-tag nb-tag-parameters" data-testid="parameters-mark"
            title="The parameters cell: Run as experiment sets these values (injected after this cell)">
            parameters
          </span>
        ) : (
          <span key={t} className="nb-tag">{t}</span>
        ),
      )}
    </div>
  );
}

/** The bar left of an input or of the outputs: a click hides or shows that part, as JupyterLab's collapser. */
export function Collapser({ part, hidden, onToggle }: { part: "input" | "outputs"; hidden: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="nb-collapser" aria-expanded={!hidden} aria-label={`${hidden ? "Show" : "Hide"} ${part}`}
      title={`${hidden ? "Show" : "Hide"} this cell's ${part}`} onClick={onToggle} />
  );
}

/** What stands in for a hidden part: a click shows it again. */
export function HiddenPart({ part, onShow }: { part: "input" | "outputs"; onShow: () => void }) {
  return (
    <button type="button" className="nb-hidden-part" data-testid={`hidden-${part}`} onClick={onShow}>
      {part === "input" ? "⋯ input hidden" : "⋯ outputs hidden"}
    </button>
  );
}

/**
 * A code cell's outputs with their collapser (once there are any); hidden ones stay hidden
 * as outputs arrive. The same elements whether or not there are outputs, so a run (which
 * clears them first) never remounts the outputs' view.
 */
export function OutputArea({ id, metadata }: { id: string; metadata: Record<string, unknown> }) {
  const c = useController();
  const run = useRun(c.store, id);
  const hidden = outputsHidden(metadata);
  const any = run.outputs.length > 0 || run.input !== null;
  const toggle = (to: boolean) => () => c.setMetadata(id, withHidden(metadata, "outputs", to));
  return (
    <div className={`nb-part${any ? "" : " nb-part-empty"}`}>
      {any ? <Collapser part="outputs" hidden={hidden} onToggle={toggle(!hidden)} /> : null}
      {any && hidden ? <HiddenPart part="outputs" onShow={toggle(false)} /> : null}
      {any && hidden ? null : <CellOutputs id={id} />}
    </div>
  );
}
