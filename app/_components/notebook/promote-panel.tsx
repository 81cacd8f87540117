"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api, fieldMessage } from "../api";
import { useSignal } from "./signal";
import { useController, useSelected } from "./use-store";

/**
 * "Promote to step": the selected code cells (Shift+Up/Down selects more) become a step of
 * one of your pipelines, a new one or the next version of one; and the steps this
 * notebook's cells already are, each saying whether it still runs what the cells hold.
 */
export function PromotePanel({ onClose }: { onClose: () => void }) {
  const c = useController();
  useSelected(c.store); // (re-renders as the selection changes)
  const picked = c.store.selectedIds().filter((id) => c.store.cell(id)?.type === "code");
  const [pipeline, setPipeline] = useState("");
  const [step, setStep] = useState("");
  const [names, setNames] = useState<string[]>([]);
  const steps = useSignal(c.steps);
  const [message, setMessage] = useState<{ error: boolean; text: string; href?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const [list] = await Promise.all([api<{ pipelines: { name: string }[] }>("/api/pipelines"), c.refreshSteps()]);
    if (list.ok) setNames(list.data.pipelines.map((p) => p.name));
  }, [c]);
  useEffect(() => void refresh(), [refresh]);

  const promote = async (target: { pipeline: string; step: string; cell_ids: string[] }) => {
    setBusy(true);
    setMessage(null);
    await c.saver.save(); // the step is made from the stored cells: store what was typed first
    const r = await api<{ id: number; version: number }>("/api/pipelines/promote", { method: "POST", body: { ...target, notebook_id: c.notebookId } });
    setBusy(false);
    if (!r.ok) return setMessage({ error: true, text: fieldMessage(r.error) });
    setMessage({ error: false, text: `Step ${target.step} is in ${target.pipeline}, version ${r.data.version}.`, href: `/pipelines/${r.data.id}` });
    await refresh();
  };

  return (
    <aside id="nb-side" className="card nb-side" aria-labelledby="nb-promote-heading">
      <div className="section-head">
        <h2 id="nb-promote-heading">Promote to step</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={onClose}>Close</button>
      </div>
      <form onSubmit={(e) => (e.preventDefault(), void promote({ pipeline, step, cell_ids: picked }))}>
        <p className="muted" data-testid="promote-picked">
          {picked.length === 0 ? "Select code cells (Shift+Up/Down selects more)." : `${picked.length} code cell${picked.length === 1 ? "" : "s"} selected.`}
        </p>
        <div className="field">
          <label htmlFor="nb-promote-pipeline">Pipeline</label>
          <input id="nb-promote-pipeline" list="nb-promote-pipelines" value={pipeline} onChange={(e) => setPipeline(e.target.value)} required maxLength={100} />
          <datalist id="nb-promote-pipelines">{names.map((n) => <option key={n} value={n} />)}</datalist>
        </div>
        <div className="field">
          <label htmlFor="nb-promote-step">Step name</label>
          <input id="nb-promote-step" value={step} onChange={(e) => setStep(e.target.value)} required maxLength={63} />
        </div>
        <button type="submit" className="btn btn-primary btn-small" disabled={busy || picked.length === 0}>{busy ? "Promoting…" : "Promote to step"}</button>
      </form>
      {message ? (
        <p role={message.error ? "alert" : "status"} className={message.error ? "field-error" : "muted"}>
          {message.text} {message.href ? <Link href={message.href}>Open the pipeline</Link> : null}
        </p>
      ) : null}
      <h3>Steps from this notebook</h3>
      {steps === null ? <p className="muted">Loading…</p> : null}
      {steps?.length === 0 ? <p className="muted">None yet.</p> : null}
      <ul data-testid="notebook-steps">
        {steps?.map((s) => (
          <li key={`${s.pipeline_id}:${s.step}`}>
            <Link href={`/pipelines/${s.pipeline_id}`}>{s.pipeline}</Link> / {s.step} (v{s.version}, {s.cell_ids.length} cell{s.cell_ids.length === 1 ? "" : "s"}){" "}
            {s.up_to_date ? (
              <span className="muted">up to date</span>
            ) : (
              <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={() => void promote({ pipeline: s.pipeline, step: s.step, cell_ids: s.cell_ids })}>
                Cells changed: update step
              </button>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
