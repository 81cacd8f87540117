import styles from "./datasets.module.css";
import { layoutDag, NODE_H as H, NODE_W as W, smoothPath } from "../graph/dag-layout";
import type { LineageModel } from "./types";

/** Versions and the runs that produced them, as a small SVG laid out by dagre: data flows left to right. */
export function LineageGraph({ graph, versionHref }: { graph: LineageModel; versionHref: (nodeId: string) => string | null }) {
  if (graph.nodes.length === 0) return <p className="muted">No versions yet.</p>;
  const { at, routes, width, height } = layoutDag(graph);
  const label = (id: string) => graph.nodes.find((n) => n.id === id)?.label ?? id;
  return (
    <figure data-testid="lineage">
      <svg className={styles.lineage} viewBox={`-2 -2 ${width + 4} ${height + 4}`} width={width + 4} role="img" aria-labelledby="ds-lineage-title">
        <title id="ds-lineage-title">Lineage: versions and the runs that produced them</title>
        <defs>
          <marker id="ds-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {graph.edges.map((e) => {
          const points = routes.get(`${e.from}->${e.to}`);
          if (!points?.length) return null;
          return <path key={`${e.from}-${e.to}`} className={styles.edge} d={smoothPath(points)} markerEnd="url(#ds-arrow)" />;
        })}
        {graph.nodes.map((n) => {
          const p = at.get(n.id)!;
          const href = n.kind === "version" ? versionHref(n.id) : null;
          const box = (
            <g className={n.kind === "run" ? styles.nodeRun : styles.nodeVersion} transform={`translate(${p.x} ${p.y})`}>
              <rect width={W} height={H} rx={n.kind === "run" ? 15 : 4} />
              <text x={W / 2} y={H / 2 + 4} textAnchor="middle">{n.label.length > 22 ? `${n.label.slice(0, 21)}…` : n.label}</text>
            </g>
          );
          return href ? <a key={n.id} href={href} aria-label={n.label}>{box}</a> : <g key={n.id}>{box}</g>;
        })}
      </svg>
      <figcaption className="visually-hidden">
        <ul>{graph.edges.map((e) => <li key={`${e.from}-${e.to}`}>{label(e.from)} → {label(e.to)}</li>)}</ul>
      </figcaption>
    </figure>
  );
}
