"use client";

import { Handle, type NodeProps, Position } from "@xyflow/react";
import styles from "./graph-editor.module.css";
import type { StepNode as StepNodeType } from "./use-step-graph";

/** A step on the editing canvas: its name and outputs; drag from its right handle to another step's left one to connect them. */
export function StepNode({ data: { step }, selected }: NodeProps<StepNodeType>) {
  const outputs = Object.keys(step.outputs);
  return (
    <div className={selected ? `${styles.node} ${styles.nodeSelected}` : styles.node}>
      <Handle type="target" position={Position.Left} title={`Into ${step.name}`} />
      <strong className={styles.nodeName}>{step.name}</strong>
      <span className={styles.nodeOutputs}>{outputs.length ? `→ ${outputs.join(", ")}` : "no outputs"}</span>
      <Handle type="source" position={Position.Right} title={`From ${step.name}`} />
    </div>
  );
}
