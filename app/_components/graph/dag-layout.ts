import { Graph, layout } from "@dagrejs/dagre";

/** Any directed graph to draw: a dataset's lineage, a pipeline's steps. */
export interface DagModel<N extends { id: string } = { id: string }> {
  nodes: N[];
  edges: { from: string; to: string }[];
}

export const NODE_W = 150;
export const NODE_H = 30;
/** A node with a second line (a step's status and duration). */
export const NODE_H_TALL = 44;

export interface LaidOut {
  at: Map<string, { x: number; y: number }>;
  /** Each edge's route, from its source's right side to its target's left, bending around nodes. */
  routes: Map<string, { x: number; y: number }[]>;
  width: number;
  height: number;
}

/**
 * Dagre's layered (Sugiyama) layout, left to right: ranks by depth, then crossings
 * minimised and edges routed, where hand-made columns put nodes in arrival order and
 * drew edges straight through whatever lay between.
 */
export function layoutDag<N extends { id: string }>({ nodes, edges }: DagModel<N>, nodeH = NODE_H): LaidOut {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 60, marginx: 2, marginy: 2 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_W, height: nodeH });
  for (const e of edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  layout(g);
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    at.set(n.id, { x: p.x - NODE_W / 2, y: p.y - nodeH / 2 }); // dagre gives centres
  }
  const routes = new Map<string, { x: number; y: number }[]>();
  for (const e of g.edges()) routes.set(`${e.v}->${e.w}`, g.edge(e).points ?? []);
  const graph = g.graph();
  return { at, routes, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** A curve through dagre's edge points (a quadratic bend at each inner point). */
export function smoothPath(points: { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  let d = `M ${first!.x} ${first!.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const q = rest[i + 1]!;
    d += ` Q ${p.x} ${p.y} ${(p.x + q.x) / 2} ${(p.y + q.y) / 2}`;
  }
  const last = rest.at(-1);
  return last ? `${d} L ${last.x} ${last.y}` : d;
}
