import { Graph, layout } from "@dagrejs/dagre";
import type { LineageModel } from "./types";

export const NODE_W = 150;
export const NODE_H = 30;

export interface LaidOut {
  at: Map<string, { x: number; y: number }>;
  /** Each edge's route, from its source's right side to its target's left, bending around nodes. */
  routes: Map<string, { x: number; y: number }[]>;
  width: number;
  height: number;
}

/**
 * Dagre's layered (Sugiyama) layout, left to right: ranks by lineage depth, then crossings
 * minimised and edges routed, where the hand-made columns put nodes in arrival order and
 * drew edges straight through whatever lay between.
 */
export function layoutLineage({ nodes, edges }: LineageModel): LaidOut {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 60, marginx: 2, marginy: 2 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  layout(g);
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    at.set(n.id, { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2 }); // dagre gives centres
  }
  const routes = new Map<string, { x: number; y: number }[]>();
  for (const e of g.edges()) routes.set(`${e.v}->${e.w}`, g.edge(e).points ?? []);
  const graph = g.graph();
  return { at, routes, width: graph.width ?? 0, height: graph.height ?? 0 };
}
