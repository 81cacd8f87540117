"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../api";
import { runPage } from "./types";

/**
 * "Run as experiment" with a trial's parameters: the whole notebook on the owner's server,
 * then its run's page; for a pipeline sweep, "Run now" of the pipeline with them.
 */
export function RunAgainButton({ notebookId, pipelineId, params }: { notebookId?: number; pipelineId?: number; params: Record<string, unknown> }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function start() {
    setBusy(true);
    setError("");
    const r = await api<{ id: number }>(pipelineId ? `/api/pipelines/${pipelineId}/runs` : `/api/notebooks/${notebookId}/runs`, { method: "POST", body: { params } });
    if (r.ok) return router.push(pipelineId ? `/pipelines/runs/${r.data.id}` : runPage(r.data.id));
    setBusy(false);
    setError(r.error.message);
  }
  return (
    <>
      <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={() => void start()}
        title="Run the notebook as it is saved now, on your server, with these parameters">
        {busy ? "Starting…" : "Run again with these parameters"}
      </button>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
    </>
  );
}
