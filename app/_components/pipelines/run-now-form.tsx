"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, fieldMessage } from "../api";
import styles from "./pipelines.module.css";
import { type PipelineRun, runPage, type Scalar } from "./run-types";
import type { StepDefinition } from "./types";

/** Every step's parameters, one per name (the first step's default where two share one). */
function parametersOf(steps: StepDefinition[]): [string, Scalar][] {
  const seen = new Map<string, Scalar>();
  for (const s of steps) for (const [k, v] of Object.entries(s.parameters)) if (!seen.has(k)) seen.set(k, v);
  return [...seen];
}

const shown = (v: Scalar) => (typeof v === "string" ? v : JSON.stringify(v));

/** 0.1 → 0.1, true → true, null → null, "abc" → "abc": JSON where it reads as a scalar, else the text itself. */
export function parseParam(text: string): Scalar {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || ["string", "number", "boolean"].includes(typeof v)) return v as Scalar;
  } catch {
    // not JSON: a string
  }
  return text;
}

/** "Run now": the latest version, with the parameters typed here overriding the steps' own. */
export function RunNowForm({ pipelineId, steps }: { pipelineId: number; steps: StepDefinition[] }) {
  const router = useRouter();
  const params = parametersOf(steps);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(params.map(([k, v]) => [k, shown(v)])));
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    const body = { params: Object.fromEntries(params.map(([k]) => [k, parseParam(values[k] ?? "")])) };
    const r = await api<PipelineRun>(`/api/pipelines/${pipelineId}/runs`, { method: "POST", body });
    if (r.ok) return router.push(runPage(r.data.id));
    setBusy(false);
    setError(`${r.error.field ? `${r.error.field}: ` : ""}${fieldMessage(r.error)}`);
  };
  return (
    <form onSubmit={submit} aria-label="Run now">
      {params.length ? (
        <fieldset className={styles.params}>
          <legend className="visually-hidden">Parameters</legend>
          {params.map(([k]) => (
            <div className="field" key={k}>
              <label htmlFor={`param-${k}`}>{k}</label>
              <input id={`param-${k}`} className="mono" value={values[k] ?? ""} onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
            </div>
          ))}
        </fieldset>
      ) : (
        <p className="muted">No parameters: the steps run as written.</p>
      )}
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Starting…" : "Run now"}</button>
    </form>
  );
}
