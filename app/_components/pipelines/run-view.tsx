"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "../api";
import { When } from "../when";
import { PipelineGraph } from "./pipeline-graph";
import { durationText, RunStatusBadge, triggerText } from "./run-status";
import { isActive, type PipelineRun, type StepRun } from "./run-types";
import { StepPanel } from "./step-panel";
import { StepRunsTable } from "./step-runs-table";
import { pipelinePage } from "./types";
import { usePipelineRun } from "./use-pipeline-run";

/** The step to show until the user picks one: the first running, else the first failed, else the one shown already (the first at the start). */
function followed(steps: StepRun[], current: string | null): string | null {
  return steps.find((s) => s.status === "running")?.step ?? steps.find((s) => s.status === "failed")?.step ?? current ?? steps[0]?.step ?? null;
}

const paramsText = (p: PipelineRun["params"]) => Object.entries(p).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ") || "none";

/** A pipeline run's page: where it stands, its DAG coloured by step, its steps, and the selected step's attempts and live log. */
export function PipelineRunView({ id }: { id: number }) {
  const { run, definition, error, refresh } = usePipelineRun(id);
  const [picked, setPicked] = useState<string | null>(null);
  const [follow, setFollow] = useState<string | null>(null);
  const [cancelError, setCancelError] = useState("");
  useEffect(() => {
    if (run) setFollow((cur) => followed(run.steps, cur));
  }, [run]);
  if (error && !run) return <div role="alert" className="alert alert-error">{error}</div>;
  if (!run) return <p className="muted">Loading the run…</p>;

  const selected = picked ?? follow;
  const step = run.steps.find((s) => s.step === selected);
  const states = Object.fromEntries(run.steps.map((s) => [s.step, { status: s.status, duration_ms: s.duration_ms }]));
  const cancel = async () => {
    if (!window.confirm(`Cancel run ${run.id}? Its running steps are stopped and the rest never start.`)) return;
    const r = await api<PipelineRun>(`/api/pipeline-runs/${run.id}/cancel`, { method: "POST" });
    setCancelError(r.ok ? "" : r.error.message);
    void refresh();
  };
  const rows: [string, React.ReactNode][] = [
    ["Pipeline", <><Link href={pipelinePage(run.pipeline_id)}>{run.pipeline}</Link>, <Link href={pipelinePage(run.pipeline_id, run.version)}>version {run.version}</Link></>],
    ["Trigger", triggerText(run.trigger)],
    ["Parameters", paramsText(run.params)],
    ["Started", <When iso={run.created_at} />],
    ["Duration", isActive(run.status) ? "still running" : durationText(run.duration_ms)],
    ["Owner", run.owner],
  ];
  return (
    <>
      <div className="page-header">
        <p className="muted"><Link href="/pipelines">Pipelines</Link> / <Link href="/pipelines/runs">Runs</Link></p>
        <div className="section-head">
          <h1>Run {run.id} of {run.pipeline} <RunStatusBadge status={run.status} /></h1>
          {isActive(run.status) ? <button type="button" className="btn btn-danger" onClick={() => void cancel()}>Cancel run</button> : null}
        </div>
        {run.error ? <div role="alert" className="alert alert-error">{run.error}</div> : null}
        {cancelError ? <div role="alert" className="alert alert-error">{cancelError}</div> : null}
      </div>
      <section className="card" aria-labelledby="run-heading">
        <h2 id="run-heading" className="visually-hidden">About this run</h2>
        <dl className="props">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card" aria-labelledby="dag-heading">
        <h2 id="dag-heading">Steps</h2>
        <p className="muted">Select a step to see its attempts and log.</p>
        {definition ? <PipelineGraph steps={definition.definition.steps} selected={selected} onSelect={setPicked} states={states} /> : null}
        <StepRunsTable steps={run.steps} owner={run.owner} selected={selected} onSelect={setPicked} />
      </section>
      {step ? <StepPanel runId={run.id} step={step} /> : null}
    </>
  );
}
