"use client";

import { useEffect, useState } from "react";
import { api } from "../api";
import { RegisterModel } from "../runs/register-model";
import type { RunArtifact, RunDetail } from "../runs/types";
import styles from "./sweeps.module.css";

/** The models the best trial's run logged, each with "Register" (as on the run's page); a line saying so when it logged none. */
export function BestModel({ runId }: { runId: number }) {
  const [models, setModels] = useState<RunArtifact[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let live = true;
    setModels(null);
    void api<RunDetail>(`/api/runs/${runId}`).then((r) => {
      if (!live) return;
      if (r.ok) setModels(r.data.artifacts.filter((a) => a.kind === "model"));
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [runId]);
  if (error) return <p role="alert" className="alert alert-error">{error}</p>;
  if (models === null) return <p className="muted">Looking for the run&apos;s models…</p>;
  if (models.length === 0) return <p className="muted" data-testid="best-no-model">The best trial logged no model. In the notebook: <code>kiln.log_model(...)</code>.</p>;
  return (
    <ul className={styles.models} data-testid="best-models">
      {models.map((a) => (
        <li key={a.path}>
          <span className="mono">{a.path}</span> <RegisterModel runId={runId} artifact={a.path} suggested={a.path.split("/")[0] ?? "model"} />
        </li>
      ))}
    </ul>
  );
}
