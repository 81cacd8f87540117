"use client";

import Link from "next/link";
import { When } from "../when";
import { ReproduceButton } from "./reproduce-button";
import { formatDuration, StatusBadge } from "./run-format";
import type { RunDetail } from "./types";

/** Who ran what, when, how it ended; and, for its owner, the way to run it again. */
export function RunHeader({ run, isOwner }: { run: RunDetail; isOwner: boolean }) {
  return (
    <header className="card run-header">
      <div className="section-head">
        <h1>
          Run #{run.id} <StatusBadge status={run.status} activity={run.activity} /> <span className="badge badge-neutral">{run.kind}</span>
        </h1>
        <div className="section-tools">
          <Link href={`/experiments${run.notebook_id ? `?notebook_id=${run.notebook_id}` : ""}`} className="btn btn-secondary btn-small">
            ← All runs{run.notebook_id ? " of this notebook" : ""}
          </Link>
          {isOwner ? <ReproduceButton runId={run.id} /> : null}
        </div>
      </div>
      <dl className="props run-props">
        <dt>Notebook</dt>
        <dd>
          {run.notebook_id ? <Link href={`/notebooks/${run.notebook_id}`}>{run.notebook_name}</Link> : run.notebook_name}
          <span className="muted"> (revision {run.notebook_revision})</span>
        </dd>
        {run.pipeline_step ? (
          <>
            <dt>Pipeline step</dt>
            <dd data-testid="run-pipeline-step">
              <Link href={`/pipelines/runs/${run.pipeline_step.pipeline_run_id}`}>{run.pipeline_step.pipeline} run {run.pipeline_step.pipeline_run_id}</Link>
              , step {run.pipeline_step.step}{run.pipeline_step.attempt ? `, attempt ${run.pipeline_step.attempt}` : ""}
            </dd>
          </>
        ) : null}
        <dt>Owner</dt>
        <dd>{run.owner}</dd>
        <dt>Started</dt>
        <dd><When iso={run.started_at} /></dd>
        <dt>Ended</dt>
        <dd><When iso={run.ended_at} empty={run.status === "queued" || run.status === "running" ? "still running" : "—"} /></dd>
        <dt>Duration</dt>
        <dd>{formatDuration(run.duration_s)}</dd>
        {run.reproduces_id ? (
          <>
            <dt>Reproduces</dt>
            <dd>
              <Link href={`/experiments/${run.reproduces_id}`}>reproduces #{run.reproduces_id}</Link>
              {" · "}
              <Link href={`/experiments/compare?ids=${run.reproduces_id},${run.id}`}>compare with it</Link>
            </dd>
          </>
        ) : null}
      </dl>
      {run.error ? <pre className="alert alert-error run-error" role="alert">{run.error}</pre> : null}
    </header>
  );
}
