"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../api";
import type { RunModel } from "./types";

/**
 * The notebook page's way into experiments: "Run as experiment" runs the saved notebook top
 * to bottom in a fresh kernel (so it saves first), then opens the new run; "Runs" lists the
 * notebook's runs. A 409 (no server running) is shown as the API words it.
 */
export function RunAsExperiment({ notebookId, save }: { notebookId: number; save: () => Promise<unknown> }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function start() {
    setBusy(true);
    setError("");
    await save();
    const res = await api<RunModel>(`/api/notebooks/${notebookId}/runs`, { method: "POST", body: {} });
    setBusy(false);
    if (res.ok) router.push(`/experiments/${res.data.id}`);
    else setError(res.error.message);
  }
  return (
    <span className="run-start">
      <button type="button" className="btn btn-secondary btn-small" disabled={busy} title="Run the saved notebook top to bottom in a fresh kernel, recorded as a run"
        onClick={() => void start()}>
        {busy ? "Starting…" : "Run as experiment"}
      </button>
      <Link className="btn btn-secondary btn-small" href={`/experiments?notebook_id=${notebookId}`}>Runs</Link>
      {error ? <span role="alert" className="alert alert-error run-start-error">{error}</span> : null}
    </span>
  );
}
