import styles from "./pipelines.module.css";
import { layoutDag, NODE_H as H, NODE_W as W, smoothPath } from "../graph/dag-layout";
import { edgesOf, type StepDefinition } from "./types";

/** A pipeline's steps and the data between them, laid out by dagre, left to right. */
export function PipelineGraph({ steps, selected, onSelect }: { steps: StepDefinition[]; selected: string | null; onSelect: (name: string) => void }) {
  const edges = edgesOf(steps);
  const { at, routes, width, height } = layoutDag({ nodes: steps.map((s) => ({ id: s.name })), edges });
  return (
    <figure data-testid="pipeline-dag">
      <svg className={styles.dag} viewBox={`-2 -2 ${width + 4} ${height + 4}`} width={width + 4} role="img" aria-labelledby="pipeline-dag-title">
        <title id="pipeline-dag-title">Steps and the data that flows between them</title>
        <defs>
          <marker id="pl-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {edges.map((e) => {
          const points = routes.get(`${e.from}->${e.to}`);
          return points?.length ? <path key={`${e.from}-${e.to}`} className={styles.edge} data-edge={`${e.from}->${e.to}`} d={smoothPath(points)} markerEnd="url(#pl-arrow)" /> : null;
        })}
        {steps.map((s) => {
          const p = at.get(s.name)!;
          return (
            <g
              key={s.name} data-step={s.name} className={s.name === selected ? styles.stepSelected : styles.step} transform={`translate(${p.x} ${p.y})`}
              role="button" tabIndex={0} aria-label={`Step ${s.name}`} aria-pressed={s.name === selected}
              onClick={() => onSelect(s.name)} onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), onSelect(s.name))}
            >
              <rect width={W} height={H} rx={6} />
              <text x={W / 2} y={H / 2 + 4} textAnchor="middle">{s.name.length > 22 ? `${s.name.slice(0, 21)}…` : s.name}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="visually-hidden">
        <ul>{edges.map((e) => <li key={`${e.from}-${e.to}`}>{e.from} → {e.to}</li>)}</ul>
      </figcaption>
    </figure>
  );
}
