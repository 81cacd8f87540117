import styles from "./datasets.module.css";
import type { LineageModel } from "./types";

const W = 150;
const H = 30;
const GAP_X = 60;
const GAP_Y = 16;

/** Columns by depth (a node sits right of everything it came from), rows in arrival order. */
function layout({ nodes, edges }: LineageModel) {
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    let moved = false;
    for (const e of edges) {
      const d = (depth.get(e.from) ?? 0) + 1;
      if (d > (depth.get(e.to) ?? 0)) (depth.set(e.to, d), (moved = true));
    }
    if (!moved) break;
  }
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const col = depth.get(n.id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    at.set(n.id, { x: col * (W + GAP_X), y: row * (H + GAP_Y) });
  }
  const width = Math.max(...[...at.values()].map((p) => p.x)) + W;
  const height = Math.max(...[...at.values()].map((p) => p.y)) + H;
  return { at, width, height };
}

/** Versions and the runs that produced them, as a small SVG: data flows left to right. */
export function LineageGraph({ graph, versionHref }: { graph: LineageModel; versionHref: (nodeId: string) => string | null }) {
  if (graph.nodes.length === 0) return <p className="muted">No versions yet.</p>;
  const { at, width, height } = layout(graph);
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
          const a = at.get(e.from)!;
          const b = at.get(e.to)!;
          const [x1, y1, x2, y2] = [a.x + W, a.y + H / 2, b.x, b.y + H / 2];
          const mid = (x1 + x2) / 2;
          return <path key={`${e.from}-${e.to}`} className={styles.edge} d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`} markerEnd="url(#ds-arrow)" />;
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
