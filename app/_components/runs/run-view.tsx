"use client";

import Link from "next/link";
import { useEffect } from "react";
import { RunArtifacts } from "./run-artifacts";
import { RunCells } from "./run-cells";
import { RunDataPins } from "./run-data-pins";
import { RunEnvironment } from "./run-environment";
import { RunHeader } from "./run-header";
import { RunMetrics } from "./run-metrics";
import { RunParams } from "./run-params";
import { RunSharing } from "./run-sharing";
import { useRun } from "./use-run";

export function RunNotFound({ message }: { message: string }) {
  return (
    <div className="card empty-state" data-testid="run-not-found">
      <h2>Run not found</h2>
      <p>{message}</p>
      <p><Link href="/experiments" className="btn btn-secondary">Back to experiments</Link></p>
    </div>
  );
}

/** The /experiments/{id} page body: everything recorded about one run, live while it runs. */
export function RunView({ id, viewer }: { id: number; viewer: { name: string; admin: boolean } }) {
  const { run, error, setRun } = useRun(id);
  useEffect(() => {
    if (run) document.title = `Run #${run.id} · ${run.notebook_name} · Kiln`;
  }, [run]);

  // Someone else's private run reads as missing (the API answers 404 for both), and so does the page.
  if (error?.status === 404 && !run) return <RunNotFound message="This run does not exist, or it is not shared with you." />;
  if (error && !run) return <div role="alert" className="alert alert-error">{error.message}</div>;
  if (!run) return <p className="muted" role="status">Loading run…</p>;
  const isOwner = run.owner === viewer.name;
  return (
    <>
      <RunHeader run={run} isOwner={isOwner} />
      {error ? <div role="alert" className="alert alert-error">Could not refresh the run: {error.message}</div> : null}
      <div className="run-columns">
        <RunParams run={run} />
        <RunEnvironment run={run} />
      </div>
      <RunMetrics run={run} />
      <RunDataPins run={run} />
      <RunCells cells={run.cells} />
      <RunArtifacts run={run} />
      {isOwner || viewer.admin ? <RunSharing run={run} onChanged={(r) => setRun((old) => (old ? { ...old, ...r } : old))} /> : null}
    </>
  );
}
