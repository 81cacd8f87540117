"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { stringify } from "yaml";
import { api, fieldMessage } from "../api";
import { When } from "../when";
import styles from "./pipelines.module.css";
import { PipelineGraph } from "./pipeline-graph";
import { type PipelineDetail, pipelinePage, type StepDefinition, type StepInput } from "./types";

const inputText = (i: StepInput) => ("step" in i ? `${i.step} → ${i.output}` : `dataset ${i.dataset}${i.version ? ` v${i.version}` : " (latest)"}`);
const resourcesText = (r: StepDefinition["resources"]) =>
  [r.cpu ? `${r.cpu} CPU` : "", r.memory_mb ? `${r.memory_mb} MB` : "", r.gpus ? `${r.gpus} GPU` : ""].filter(Boolean).join(", ") || "defaults";

/** One step's definition: what it reads, makes, runs with, and its code. */
function StepDetail({ step }: { step: StepDefinition }) {
  const rows: [string, string][] = [
    ["Image", step.image ?? "the default image"],
    ["Resources", resourcesText(step.resources)],
    ["Parameters", Object.entries(step.parameters).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ") || "none"],
    ["Inputs", Object.entries(step.inputs).map(([k, v]) => `${k} ← ${inputText(v)}`).join("; ") || "none"],
    ["Outputs", Object.entries(step.outputs).map(([k, v]) => `${k} (${v.kind})`).join(", ") || "none"],
    ["Timeout", `${step.timeout_s} s`],
    ["Retries", String(step.retries)],
    ["Cached", step.cache ? "yes: an identical earlier run is reused" : "no"],
  ];
  return (
    <section className="card" aria-labelledby="step-heading" data-testid="step-detail">
      <h2 id="step-heading">Step {step.name}</h2>
      <dl className="props">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h3>Code</h3>
      <pre className={styles.code}><code>{step.code}</code></pre>
    </section>
  );
}

/** The definition as YAML, edited whole: saving makes the next version (the API's checks, its errors shown). */
function DefinitionEditor({ p, onSaved }: { p: PipelineDetail; onSaved: () => void }) {
  const [text, setText] = useState(() => stringify(p.definition));
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await api<PipelineDetail>(`/api/pipelines/${p.id}`, { method: "PUT", body: { definition: text } });
    setBusy(false);
    if (r.ok) onSaved();
    else setError(`${r.error.field ? `${r.error.field}: ` : ""}${fieldMessage(r.error)}`);
  };
  return (
    <form onSubmit={save}>
      <div className="field">
        <label htmlFor="pipeline-yaml">Definition (YAML){p.version !== p.versions.at(-1)?.version ? `, from version ${p.version}` : ""}</label>
        <textarea id="pipeline-yaml" className={styles.yaml} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <button type="submit" className="btn btn-primary btn-small" disabled={busy}>{busy ? "Saving…" : "Save as a new version"}</button>
    </form>
  );
}

/** A pipeline's page at one version: the DAG, each step's definition, the versions. */
export function PipelineView({ id, version }: { id: number; version: number | null }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [reloads, setReloads] = useState(0);
  const [p, setP] = useState<PipelineDetail | null>(null);
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
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
        <h2 id="dag-heading">Steps</h2>
        <p className="muted">Run order: {p.order.join(" → ")}. Select a step to see its definition.</p>
        <PipelineGraph steps={p.definition.steps} selected={selected} onSelect={setSelected} />
      </section>
      {step ? <StepDetail step={step} /> : null}
      <section className="card" aria-labelledby="edit-heading">
        <div className="section-head">
          <h2 id="edit-heading">Definition</h2>
          <button type="button" className="btn btn-secondary btn-small" aria-expanded={editing} onClick={() => setEditing(!editing)}>{editing ? "Cancel" : "Edit"}</button>
        </div>
        {editing ? (
          <DefinitionEditor key={`${p.id}:${p.version}`} p={p} onSaved={() => {
            setEditing(false);
            if (version) router.push(pipelinePage(p.id));
            else setReloads((n) => n + 1);
          }} />
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
