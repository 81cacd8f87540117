"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, fieldMessage } from "../api";
import { useApiList } from "../use-api-list";
import { initialForm, type SweepForm, sweepBody } from "./new-sweep-body";
import styles from "./sweeps.module.css";
import { type Sweep, sweepPage } from "./types";

type Set = <K extends keyof SweepForm>(k: K, v: SweepForm[K]) => void;

function NumberField({ id, label, value, onChange, min, required }: { id: string; label: string; value: string; onChange: (v: string) => void; min: number; required?: boolean }) {
  return (
    <div className="field field-number">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" inputMode="numeric" min={min} step={1} value={value} onChange={(e) => onChange(e.target.value)} required={required} />
    </div>
  );
}

/** Early stopping: off unless ticked; then the steps between which ASHA compares trials, and how many it keeps at each rung. */
function AshaFields({ f, set }: { f: SweepForm; set: Set }) {
  return (
    <fieldset className={styles.fieldset}>
      <legend className="visually-hidden">Early stopping</legend>
      <div className="field-check">
        <input id="sweep-asha" type="checkbox" checked={f.asha} onChange={(e) => set("asha", e.target.checked)} />
        <label htmlFor="sweep-asha">Stop poor trials early (ASHA)</label>
      </div>
      {f.asha ? (
        <div className={`form-inline ${styles.row}`}>
          <NumberField id="sweep-min-steps" label="Min steps" value={f.minSteps} onChange={(v) => set("minSteps", v)} min={1} required />
          <NumberField id="sweep-max-steps" label="Max steps" value={f.maxSteps} onChange={(v) => set("maxSteps", v)} min={2} required />
          <NumberField id="sweep-eta" label="Keep 1 in η (eta)" value={f.eta} onChange={(v) => set("eta", v)} min={2} required />
        </div>
      ) : null}
    </fieldset>
  );
}

/** "New sweep": a notebook, the space to search as JSON, what to optimise, how, and how much to spend. */
export function NewSweepForm({ notebookId }: { notebookId?: number }) {
  const router = useRouter();
  const notebooks = useApiList<{ id: number; name: string }>("/api/notebooks");
  const [f, setForm] = useState<SweepForm>(() => initialForm(notebookId ? String(notebookId) : ""));
  const set: Set = (k, v) => setForm((cur) => ({ ...cur, [k]: v }));
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const notebook = f.notebook || String(notebooks.items?.[0]?.id ?? "");

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const made = sweepBody({ ...f, notebook });
    if ("field" in made) return setError(`${made.field}: ${made.message}`);
    setBusy(true);
    setError("");
    const r = await api<Sweep>("/api/sweeps", { method: "POST", body: made.body });
    if (r.ok) return router.push(sweepPage(r.data.id));
    setBusy(false);
    setError(`${r.error.field ? `${r.error.field}: ` : ""}${fieldMessage(r.error)}`);
  };
  return (
    <section className="card" aria-labelledby="new-sweep-heading">
      <h2 id="new-sweep-heading">New sweep</h2>
      <form onSubmit={(e) => void submit(e)} className="form" aria-labelledby="new-sweep-heading">
        <div className="field">
          <label htmlFor="sweep-notebook">Notebook</label>
          <select id="sweep-notebook" value={notebook} onChange={(e) => set("notebook", e.target.value)} required>
            {notebooks.items?.length === 0 ? <option value="">No notebooks yet</option> : null}
            {notebooks.items?.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
          </select>
          <p className="hint">Each trial runs the notebook as it is saved now, its parameters set after the cell tagged <code>parameters</code>.</p>
        </div>
        <div className="field">
          <label htmlFor="sweep-space">Search space (JSON)</label>
          <textarea id="sweep-space" className={styles.json} value={f.space} onChange={(e) => set("space", e.target.value)} spellCheck={false} aria-describedby="sweep-space-hint" />
          <p id="sweep-space-hint" className="hint">Parameter → <code>choice</code> (values), <code>uniform</code>, <code>loguniform</code> or <code>quniform</code> (low, high, q), or <code>int</code> (low, high, step).</p>
        </div>
        <div className={`form-inline ${styles.row}`}>
          <div className="field field-grow">
            <label htmlFor="sweep-metric">Objective metric</label>
            <input id="sweep-metric" value={f.metric} onChange={(e) => set("metric", e.target.value)} required maxLength={250} className="mono" />
          </div>
          <div className="field">
            <label htmlFor="sweep-goal">Goal</label>
            <select id="sweep-goal" value={f.goal} onChange={(e) => set("goal", e.target.value as SweepForm["goal"])}>
              <option value="minimize">minimize</option>
              <option value="maximize">maximize</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="sweep-at">Scored at</label>
            <select id="sweep-at" value={f.at} onChange={(e) => set("at", e.target.value as SweepForm["at"])}>
              <option value="last">its last step</option>
              <option value="best">its best step</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="sweep-strategy">Strategy</label>
            <select id="sweep-strategy" value={f.strategy} onChange={(e) => set("strategy", e.target.value as SweepForm["strategy"])}>
              <option value="tpe">TPE (learns from earlier trials)</option>
              <option value="random">Random</option>
              <option value="grid">Grid</option>
            </select>
          </div>
        </div>
        <AshaFields f={f} set={set} />
        <div className={`form-inline ${styles.row}`}>
          <NumberField id="sweep-max-trials" label="Max trials" value={f.maxTrials} onChange={(v) => set("maxTrials", v)} min={1} required />
          <NumberField id="sweep-max-parallel" label="Max parallel" value={f.maxParallel} onChange={(v) => set("maxParallel", v)} min={1} required />
          <NumberField id="sweep-seed" label="Seed (optional)" value={f.seed} onChange={(v) => set("seed", v)} min={0} />
        </div>
        {error ? <div role="alert" className="alert alert-error" data-testid="new-sweep-error">{error}</div> : null}
        {notebooks.error ? <div role="alert" className="alert alert-error">{notebooks.error}</div> : null}
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !notebook}>{busy ? "Starting…" : "Start sweep"}</button>
        </div>
      </form>
    </section>
  );
}
