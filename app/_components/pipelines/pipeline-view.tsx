"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { api } from "../api";
import { When } from "../when";
import { DefinitionEditor } from "./definition-editor";
import { PipelineGraph, type StepStates } from "./pipeline-graph";
import { RunStatusBadge } from "./run-status";
import { runPage } from "./run-types";
import { RunsCard } from "./runs-card";
import { SchedulesCard } from "./schedules-card";
import { StepDetail } from "./step-detail";
import { type PipelineDetail, pipelinePage } from "./types";
import { usePipelineRuns } from "./use-pipeline-runs";
import { WebhookCard } from "./webhook-card";

/** React Flow and the editor load only when someone edits the graph. */
const GraphEditor = dynamic(() => import("./graph-editor").then((m) => m.GraphEditor), { ssr: false, loading: () => <p className="muted">Loading the graph editor…</p> });

/** A pipeline's page at one version: the DAG (coloured by the latest run), each step's definition, runs, schedules, the webhook, the versions. */
export function PipelineView({ id, version }: { id: number; version: number | null }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [editingGraph, setEditingGraph] = useState(false);
  const [reloads, setReloads] = useState(0);
  const [p, setP] = useState<PipelineDetail | null>(null);
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const runs = usePipelineRuns(id);
  useEffect(() => {
    void api<PipelineDetail>(version ? `/api/pipelines/${id}/versions/${version}` : `/api/pipelines/${id}`).then((r) => {
      if (r.ok) {
        setP(r.data);
        setSelected((s) => (s && r.data.definition.steps.some((x) => x.name === s) ? s : (r.data.order[0] ?? null)));
      } else setError(r.error.message);
    });
  }, [id, version, reloads]);
  if (error && !p) return <div role="alert" className="alert alert-error">{error}</div>;
  if (!p) return <p className="muted">Loading pipeline…</p>;
  const step = p.definition.steps.find((s) => s.name === selected);
  const latest = p.versions.at(-1)?.version;
  const last = runs.latest;
  const states: StepStates | undefined = last ? Object.fromEntries(last.steps.map((s) => [s.step, { status: s.status, duration_ms: s.duration_ms }])) : undefined;
  const saved = () => {
    setEditing(false);
    setEditingGraph(false);
    if (version) router.push(pipelinePage(p.id));
    else setReloads((n) => n + 1);
  };
  return (
    <>
      <div className="page-header">
        <p className="muted"><Link href="/pipelines">Pipelines</Link></p>
        <h1>{p.name}</h1>
        <p className="lede">{p.definition.description || p.description || `${p.definition.steps.length} step${p.definition.steps.length === 1 ? "" : "s"}`}</p>
        <p className="muted" data-testid="pipeline-version">
          Version {p.version}{p.version === latest ? " (latest)" : ""} of {p.versions.length}, by {p.owner}
        </p>
      </div>
      <section className="card" aria-labelledby="dag-heading">
        <div className="section-head">
          <h2 id="dag-heading">Steps</h2>
          {editingGraph ? null : <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditingGraph(true)}>Modify graph</button>}
        </div>
        {editingGraph ? (
          <GraphEditor key={`${p.id}:${p.version}`} p={p} onSaved={saved} onDiscard={() => setEditingGraph(false)} />
        ) : (
          <>
            <p className="muted">Run order: {p.order.join(" → ")}. Select a step to see its definition.</p>
            {last ? (
              <p className="muted" data-testid="latest-run">
                Coloured by the latest run: <Link href={runPage(last.id)}>Run {last.id}</Link> <RunStatusBadge status={last.status} /> (version {last.version})
              </p>
            ) : null}
            <PipelineGraph steps={p.definition.steps} selected={selected} onSelect={setSelected} states={states} />
          </>
        )}
      </section>
      {step && !editingGraph ? <StepDetail step={step} /> : null}
      <RunsCard key={`${p.id}:${p.version}`} pipelineId={p.id} steps={p.definition.steps} runs={runs.runs} error={runs.error} />
      <SchedulesCard pipelineId={p.id} />
      <WebhookCard pipelineId={p.id} />
      <section className="card" aria-labelledby="edit-heading">
        <div className="section-head">
          <h2 id="edit-heading">Definition</h2>
          <button type="button" className="btn btn-secondary btn-small" aria-expanded={editing} onClick={() => setEditing(!editing)}>{editing ? "Cancel" : "Edit"}</button>
        </div>
        {editing ? (
          <DefinitionEditor key={`${p.id}:${p.version}`} p={p} onSaved={saved} />
        ) : (
          <p className="muted">Steps, their inputs and outputs, as a YAML document; saving makes the next version.</p>
        )}
      </section>
      <section className="card" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <ul data-testid="pipeline-versions">
          {[...p.versions].reverse().map((v) => (
            <li key={v.version}>
              {v.version === p.version ? <strong>v{v.version}</strong> : <Link href={pipelinePage(p.id, v.version)}>v{v.version}</Link>} <When iso={v.created_at} style="day" />
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
