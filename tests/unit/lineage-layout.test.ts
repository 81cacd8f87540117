import { describe, expect, test } from "vitest";
import { layoutDag as layoutLineage, NODE_H, NODE_W } from "../../app/_components/graph/dag-layout";

describe("the lineage graph's layout (dagre)", () => {
  // two datasets' versions feeding runs that produced further versions, one diamond included
  const graph = {
    nodes: [
      { id: "v:1", kind: "version" as const, label: "raw v1" }, { id: "v:2", kind: "version" as const, label: "raw v2" },
      { id: "r:1", kind: "run" as const, label: "run 1" }, { id: "r:2", kind: "run" as const, label: "run 2" },
      { id: "v:3", kind: "version" as const, label: "clean v1" }, { id: "v:4", kind: "version" as const, label: "clean v2" },
      { id: "r:3", kind: "run" as const, label: "run 3" }, { id: "v:5", kind: "version" as const, label: "features v1" },
    ],
    edges: [
      { from: "v:1", to: "r:1" }, { from: "r:1", to: "v:3" }, { from: "v:2", to: "r:2" }, { from: "r:2", to: "v:4" },
      { from: "v:3", to: "r:3" }, { from: "v:4", to: "r:3" }, { from: "r:3", to: "v:5" },
    ],
  };

  test("data flows left to right, no two nodes overlap, every edge is routed, the drawing holds every node", () => {
    const { at, routes, width, height } = layoutLineage(graph);
    for (const e of graph.edges) {
      expect(at.get(e.from)!.x + NODE_W).toBeLessThan(at.get(e.to)!.x); // a source ends before its target starts
      const route = routes.get(`${e.from}->${e.to}`)!;
      expect(route.length).toBeGreaterThanOrEqual(2);
    }
    const boxes = [...at.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const apart = a.x + NODE_W <= b.x || b.x + NODE_W <= a.x || a.y + NODE_H <= b.y || b.y + NODE_H <= a.y;
        expect(apart).toBe(true);
      }
    for (const p of boxes) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.x + NODE_W).toBeLessThanOrEqual(width);
      expect(p.y + NODE_H).toBeLessThanOrEqual(height);
    }
  });

  test("versions with no runs between them stack in one column", () => {
    const { at } = layoutLineage({ nodes: [{ id: "v:1", kind: "version", label: "a v1" }, { id: "v:2", kind: "version", label: "a v2" }], edges: [] });
    expect(at.get("v:1")!.x).toBe(at.get("v:2")!.x);
    expect(at.get("v:1")!.y).not.toBe(at.get("v:2")!.y);
  });
});
