"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, fieldMessage } from "../api";
import { TableHead } from "../table-head";
import { useApiList } from "../use-api-list";
import { When } from "../when";
import styles from "./pipelines.module.css";
import { type PipelineDetail, pipelinePage, type PipelineSummary } from "./types";

const EXAMPLE = `steps:
  - name: clean
    code: |
      import pandas as pd
      df = pd.DataFrame({"x": [1, 2, None]}).dropna()
    outputs: { table: { kind: dataset } }
  - name: train
    code: print(len(table))
    inputs:
      table: { step: clean, output: table }
`;

/** A definition as YAML (or JSON), named: version 1 of a new pipeline. */
function NewPipelineForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [definition, setDefinition] = useState(EXAMPLE);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await api<PipelineDetail>("/api/pipelines", { method: "POST", body: { name, definition } });
    setBusy(false);
    if (r.ok) router.push(pipelinePage(r.data.id));
    else setError(fieldMessage(r.error));
  };
  return (
    <section className="card" aria-labelledby="new-pipeline-heading">
      <h2 id="new-pipeline-heading">New pipeline</h2>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="pipeline-name">Name</label>
          <input id="pipeline-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="pipeline-definition">Definition (YAML or JSON)</label>
          <textarea id="pipeline-definition" className={styles.yaml} value={definition} onChange={(e) => setDefinition(e.target.value)} spellCheck={false} />
        </div>
        {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Creating…" : "Create pipeline"}</button>
      </form>
    </section>
  );
}

/** The /pipelines page body: the user's pipelines (an admin's: everyone's), and a form for a new one. */
export function PipelineList({ user }: { user: string }) {
  const { items, error } = useApiList<PipelineSummary>("/api/pipelines", (d) => (d as { pipelines: PipelineSummary[] }).pipelines);
  return (
    <>
      <section className="card" aria-labelledby="pipelines-heading">
        <div className="section-head">
          <h2 id="pipelines-heading">Pipelines</h2>
          <Link href="/pipelines/runs">Pipeline runs</Link>
        </div>
        {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
        {items === null && !error ? <p className="muted">Loading pipelines…</p> : null}
        {items?.length === 0 ? <p className="muted">No pipelines yet. Write one below, or through the API (docs/pipelines.md).</p> : null}
        {items && items.length > 0 ? (
          <div className="table-wrap">
            <table>
              <TableHead caption="Your pipelines" columns={["Name", "Owner", "Version", "Updated"]} />
              <tbody>
                {items.map((p) => (
                  <tr key={p.id} data-testid="pipeline-row">
                    <th scope="row">
                      <Link href={pipelinePage(p.id)}>{p.name}</Link>
                      {p.description ? <div className="muted">{p.description}</div> : null}
                    </th>
                    <td>{p.owner === user ? "you" : p.owner}</td>
                    <td>v{p.version}</td>
                    <td className="nowrap"><When iso={p.updated_at} style="day" /></td>
                    <td className="actions" />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <NewPipelineForm />
    </>
  );
}
