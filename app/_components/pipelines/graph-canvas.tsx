"use client";

import "@xyflow/react/dist/style.css";
import { Background, type Connection, Controls, type Edge, type EdgeChange, type NodeChange, ReactFlow } from "@xyflow/react";
import styles from "./graph-editor.module.css";
import { StepNode } from "./step-node";
import type { StepNode as StepNodeType } from "./use-step-graph";

const nodeTypes = { step: StepNode };

/** The editing canvas: React Flow over the steps, edges drawn from their inputs and `after`; Delete or Backspace deletes what is selected. */
export function GraphCanvas({ nodes, edges, onNodesChange, onEdgesChange, onConnect }: {
  nodes: StepNodeType[];
  edges: Edge[];
  onNodesChange: (changes: NodeChange<StepNodeType>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  onConnect: (c: Connection) => void;
}) {
  return (
    <div className={styles.canvas} data-testid="graph-editor-canvas">
      <ReactFlow<StepNodeType>
        aria-label="Pipeline steps: drag from a step's right handle to another step's left handle to connect them; select a step or connection and press Delete to remove it"
        nodes={nodes} edges={edges} nodeTypes={nodeTypes}
        onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onConnect={onConnect}
        isValidConnection={(c) => c.source !== c.target}
        deleteKeyCode={["Delete", "Backspace"]}
        fitView fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
