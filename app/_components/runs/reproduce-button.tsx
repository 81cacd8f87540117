"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../api";
import type { RunModel } from "./types";

/**
 * Runs the same code again on the same image digest with the same data versions, then
 * opens the new run. A 409 (the server runs another image) is shown as the API words it:
 * it names both digests, which is what the user needs to act.
 */
export function ReproduceButton({ runId }: { runId: number }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function reproduce() {
    setBusy(true);
    setError("");
    const res = await api<RunModel>(`/api/runs/${runId}/reproduce`, { method: "POST", body: {} });
    setBusy(false);
    if (res.ok) router.push(`/experiments/${res.data.id}`);
    else setError(res.error.message);
  }
  return (
    <>
      <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => void reproduce()}>
        {busy ? "Starting…" : "Reproduce"}
      </button>
      {error ? <p role="alert" className="alert alert-error run-action-error">{error}</p> : null}
    </>
  );
}
