import { DagFigure } from "../graph/dag-figure";
import styles from "./pipelines.module.css";
import { durationText } from "./run-status";
import type { StepStatus } from "./run-types";
import { edgesOf, type StepDefinition } from "./types";

/** Where a step stands in a run: each node then says so, in its colour and a second line. */
export type StepStates = Record<string, { status: StepStatus; duration_ms: number | null }>;

const sublabel = (s: StepStates[string]) => (s.duration_ms === null ? s.status : `${s.status} · ${durationText(s.duration_ms)}`);

/** A pipeline's steps and the data between them, laid out by dagre, left to right; a step is selected by click or keyboard. */
export function PipelineGraph({ steps, selected, onSelect, states }: { steps: StepDefinition[]; selected: string | null; onSelect: (name: string) => void; states?: StepStates }) {
  return (
    <DagFigure
      nodes={steps.map((s) => ({ id: s.name, label: s.name }))} edges={edgesOf(steps)} title="Steps and the data that flows between them" testId="pipeline-dag"
      look={(n) => {
        const state = states?.[n.id];
        const picked = n.id === selected;
        return {
          className: state ? `${styles.step} ${styles[state.status]} ${picked ? styles.picked : ""}` : picked ? styles.stepSelected : styles.step, rx: 6,
          sublabel: state ? sublabel(state) : undefined,
          props: {
            "data-step": n.id, "data-status": state?.status, role: "button", tabIndex: 0, "aria-pressed": picked,
            "aria-label": state ? `Step ${n.id}, ${sublabel(state)}` : `Step ${n.id}`,
            onClick: () => onSelect(n.id), onKeyDown: (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), onSelect(n.id)),
          } as React.SVGProps<SVGGElement>,
        };
      }}
    />
  );
}
