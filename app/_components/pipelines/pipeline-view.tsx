"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "../api";
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

/** A pipeline's page at one version: the DAG, each step's definition, the versions. */
export function PipelineView({ id, version }: { id: number; version: number | null }) {
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
  }, [id, version]);
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
