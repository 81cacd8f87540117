"use client";

import type { Connection } from "@xyflow/react";
import { useState } from "react";
import { api, fieldMessage } from "../api";
import { AddStepForm } from "./add-step-form";
import { ConnectDialog } from "./connect-dialog";
import { graphEdgesOf, withAfter, withInput, withOutputs, withoutEdge, withStepChanged, withStepRenamed } from "./definition-edits";
import { GraphCanvas } from "./graph-canvas";
import styles from "./graph-editor.module.css";
import { StepFieldsEditor } from "./step-fields-editor";
import type { PipelineDetail, StepDefinition } from "./types";
import { useStepGraph } from "./use-step-graph";

/**
 * The pipeline's DAG, edited on a React Flow canvas: steps added, deleted, connected by
 * dragging (a data edge names the output read; a step without outputs is only run after),
 * their fields edited beside it; saving sends the whole definition as the next version.
 */
export function GraphEditor({ p, onSaved, onDiscard }: { p: PipelineDetail; onSaved: () => void; onDiscard: () => void }) {
  const [steps, setSteps] = useState<StepDefinition[]>(() => structuredClone(p.definition.steps));
  const graph = useStepGraph(steps, setSteps);
  const [adding, setAdding] = useState(false);
  const [connecting, setConnecting] = useState<{ source: string; target: string } | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const byName = (n: string) => steps.find((s) => s.name === n);

  const connect = ({ source, target }: Connection) => {
    const from = byName(source);
    if (!from || source === target) return;
    if (Object.keys(from.outputs).length) setConnecting({ source, target });
    else setSteps((s) => withAfter(s, target, source));
  };
  const save = async () => {
    setBusy(true);
    setError("");
    const r = await api<PipelineDetail>(`/api/pipelines/${p.id}`, { method: "PUT", body: { definition: { description: p.definition.description, steps } } });
    setBusy(false);
    if (r.ok) onSaved();
    else setError(`${r.error.field ? `${r.error.field}: ` : ""}${fieldMessage(r.error)}`);
  };
  const selected = graph.selectedStep ? byName(graph.selectedStep) : undefined;
  const pending = connecting && byName(connecting.source) && byName(connecting.target) ? { source: byName(connecting.source)!, target: byName(connecting.target)! } : null;
  return (
    <div data-testid="graph-editor">
      <div className={styles.toolbar} role="toolbar" aria-label="Graph editing">
        <button type="button" className="btn btn-secondary btn-small" aria-expanded={adding} onClick={() => setAdding(!adding)}>Add step</button>
        <button type="button" className="btn btn-secondary btn-small" disabled={!graph.hasSelection} onClick={graph.deleteSelected}>Delete selected</button>
        <button type="button" className="btn btn-secondary btn-small" onClick={graph.layOutAgain}>Lay out again</button>
        <span className={styles.spacer} />
        <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => void save()}>{busy ? "Saving…" : "Save as new version"}</button>
        <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={onDiscard}>Discard</button>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {adding ? (
        <AddStepForm taken={steps.map((s) => s.name)} onCancel={() => setAdding(false)} onAdd={(step) => {
          setSteps((s) => [...s, step]);
          setAdding(false);
        }} />
      ) : null}
      <div className={styles.workspace}>
        <GraphCanvas nodes={graph.nodes} edges={graph.edges} onNodesChange={graph.onNodesChange} onEdgesChange={graph.onEdgesChange} onConnect={connect} />
        {selected ? (
          <StepFieldsEditor key={selected.name} step={selected} taken={steps.map((s) => s.name).filter((n) => n !== selected.name)}
            incoming={graphEdgesOf(steps).filter((e) => e.to === selected.name)}
            onChange={(change) => setSteps((s) => withStepChanged(s, selected.name, change))}
            onRename={(to) => {
              setSteps((s) => withStepRenamed(s, selected.name, to));
              graph.renameNode(selected.name, to);
            }}
            onOutputs={(outputs, renamed) => setSteps((s) => withOutputs(s, selected.name, outputs, renamed))}
            onRemoveEdge={(id) => setSteps((s) => withoutEdge(s, id))} />
        ) : (
          <p className={`muted ${styles.stepEditor}`}>Select a step to edit its fields. Drag from a step&apos;s right handle to another&apos;s left handle to connect them; select a step or a connection and press Delete to remove it.</p>
        )}
      </div>
      {pending ? (
        <ConnectDialog source={pending.source} target={pending.target} onCancel={() => setConnecting(null)} onConnect={(input, output) => {
          setSteps((s) => withInput(s, pending.target.name, input, pending.source.name, output));
          setConnecting(null);
        }} />
      ) : null}
    </div>
  );
}
