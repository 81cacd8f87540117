import { DagFigure } from "../graph/dag-figure";
import styles from "./pipelines.module.css";
import { edgesOf, type StepDefinition } from "./types";

/** A pipeline's steps and the data between them, laid out by dagre, left to right; a step is selected by click or keyboard. */
export function PipelineGraph({ steps, selected, onSelect }: { steps: StepDefinition[]; selected: string | null; onSelect: (name: string) => void }) {
  return (
    <DagFigure
      nodes={steps.map((s) => ({ id: s.name, label: s.name }))} edges={edgesOf(steps)} title="Steps and the data that flows between them" testId="pipeline-dag"
      look={(n) => ({
        className: n.id === selected ? styles.stepSelected : styles.step, rx: 6,
        props: {
          "data-step": n.id, role: "button", tabIndex: 0, "aria-label": `Step ${n.id}`, "aria-pressed": n.id === selected,
          onClick: () => onSelect(n.id), onKeyDown: (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), onSelect(n.id)),
        } as React.SVGProps<SVGGElement>,
      })}
    />
  );
}
