"use client";

import { applyNodeChanges, type Edge, type EdgeChange, MarkerType, type Node, type NodeChange } from "@xyflow/react";
import { type Dispatch, type SetStateAction, useCallback, useEffect, useMemo, useState } from "react";
import { layoutDag, NODE_H_TALL, NODE_W } from "../graph/dag-layout";
import { type GraphEdge, graphEdgesOf, withoutEdge, withoutStep } from "./definition-edits";
import type { StepDefinition } from "./types";

export type StepNode = Node<{ step: StepDefinition }, "step">;

/** Where dagre puts each step, left to right (the page's DAG uses the same layout). */
function laidOut(steps: StepDefinition[]): Map<string, { x: number; y: number }> {
  return layoutDag({ nodes: steps.map((s) => ({ id: s.name })), edges: graphEdgesOf(steps) }, NODE_H_TALL).at;
}

const nodeOf = (step: StepDefinition, position: { x: number; y: number }): StepNode => ({ id: step.name, type: "step", position, data: { step }, ariaLabel: `Step ${step.name}` });

/** The nodes for these steps: known ones keep their place, size and selection; a new one goes right of the rest. */
function synced(steps: StepDefinition[], prev: StepNode[]): StepNode[] {
  const byId = new Map(prev.map((n) => [n.id, n]));
  const right = Math.max(0, ...prev.map((n) => n.position.x + NODE_W + 60));
  let fresh = 0;
  return steps.map((s) => {
    const old = byId.get(s.name);
    if (!old) return nodeOf(s, { x: right, y: 80 * fresh++ });
    return old.data.step === s ? old : { ...old, data: { step: s } };
  });
}

const flowEdge = (e: GraphEdge, selected: boolean): Edge => ({
  id: e.id, source: e.from, target: e.to, selected, markerEnd: { type: MarkerType.ArrowClosed },
  ...(e.kind === "data"
    ? { label: e.input === e.output ? e.output : `${e.output} → ${e.input}`, ariaLabel: `${e.from} → ${e.to}: input ${e.input} reads output ${e.output}` }
    : { style: { strokeDasharray: "6 4" }, ariaLabel: `${e.to} runs after ${e.from}` }),
});

/**
 * React Flow's nodes and edges for the steps being edited. The steps are the truth: edges
 * are drawn from them on each change, nodes follow them (keeping what React Flow measured and
 * where the user dragged them). A node or edge deleted on the canvas deletes it in the steps.
 */
export function useStepGraph(steps: StepDefinition[], setSteps: Dispatch<SetStateAction<StepDefinition[]>>) {
  const [nodes, setNodes] = useState<StepNode[]>(() => {
    const at = laidOut(steps);
    return steps.map((s) => nodeOf(s, at.get(s.name) ?? { x: 0, y: 0 }));
  });
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setNodes((prev) => synced(steps, prev)), [steps]);
  const edges = useMemo(() => graphEdgesOf(steps).map((e) => flowEdge(e, selectedEdges.has(e.id))), [steps, selectedEdges]);

  const onNodesChange = useCallback((changes: NodeChange<StepNode>[]) => {
    const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
    if (removed.length) setSteps((s) => removed.reduce(withoutStep, s));
    setNodes((n) => applyNodeChanges(changes.filter((c) => c.type !== "remove"), n));
  }, [setSteps]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
    if (removed.length) setSteps((s) => removed.reduce(withoutEdge, s));
    const picks = changes.flatMap((c) => (c.type === "select" ? [c] : []));
    if (picks.length || removed.length)
      setSelectedEdges((prev) => {
        const next = new Set(prev);
        for (const c of picks) c.selected ? next.add(c.id) : next.delete(c.id);
        for (const id of removed) next.delete(id);
        return next;
      });
  }, [setSteps]);

  /** The selected steps and edges deleted, as the Delete key does. */
  const deleteSelected = useCallback(() => {
    const names = nodes.filter((n) => n.selected).map((n) => n.id);
    setSteps((s) => names.reduce(withoutStep, [...selectedEdges].reduce(withoutEdge, s)));
    setSelectedEdges(new Set());
  }, [nodes, selectedEdges, setSteps]);

  /** A step renamed keeps its node (its place and selection). */
  const renameNode = useCallback((from: string, to: string) => setNodes((n) => n.map((x) => (x.id === from ? { ...x, id: to, ariaLabel: `Step ${to}` } : x))), []);

  /** Every node back where dagre puts it. */
  const layOutAgain = useCallback(() => {
    const at = laidOut(steps);
    setNodes((n) => n.map((x) => ({ ...x, position: at.get(x.id) ?? x.position })));
  }, [steps]);

  const selectedStep = nodes.filter((n) => n.selected).length === 1 ? nodes.find((n) => n.selected)!.id : null;
  return { nodes, edges, onNodesChange, onEdgesChange, deleteSelected, renameNode, layOutAgain, selectedStep, hasSelection: selectedEdges.size > 0 || nodes.some((n) => n.selected) };
}
