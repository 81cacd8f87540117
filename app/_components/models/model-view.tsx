"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { EndpointList } from "../endpoints/endpoint-list";
import { ServeForm } from "../endpoints/serve-form";
import { When } from "../when";
import { AliasForm } from "./alias-form";
import { ModelSignature } from "./model-signature";
import type { ModelDetail, ModelVersion } from "./types";

const metricText = (v: number | undefined) => (v === undefined ? "" : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toFixed(4)));

/** A model's page: versions with their metrics side by side, aliases, lineage, the signature. */
export function ModelView({ id, viewer }: { id: number; viewer: { name: string; admin: boolean } }) {
  const [model, setModel] = useState<ModelDetail | null>(null);
  const [error, setError] = useState("");
  const [served, setServed] = useState(0);
  const refresh = useCallback(async () => {
    const r = await api<ModelDetail>(`/api/models/${id}`);
    if (r.ok) setModel(r.data);
    else setError(r.error.message);
  }, [id]);
  useEffect(() => void refresh(), [refresh]);
  if (error && !model) return <div role="alert" className="alert alert-error">{error}</div>;
  if (!model) return <p className="muted">Loading model…</p>;
  const mayChange = viewer.admin || model.owner === viewer.name;
  const metricKeys = [...new Set(model.version_list.flatMap((v) => Object.keys(v.metrics)))].sort();
  const latest: ModelVersion | undefined = model.version_list[0];
  return (
    <>
      <div className="page-header">
        <p className="muted"><Link href="/models">Models</Link> / {model.owner}</p>
        <h1>{model.name}</h1>
        <p className="lede">
          {model.description || "No description."} {model.public ? "Public." : "Private."}{" "}
          {mayChange ? (
            <button type="button" className="btn btn-secondary btn-small" onClick={async () => {
              const r = await api<ModelDetail>(`/api/models/${id}`, { method: "PATCH", body: { public: !model.public } });
              if (r.ok) setModel(r.data);
              else setError(r.error.message);
            }}>
              {model.public ? "Make private" : "Make public"}
            </button>
          ) : null}
        </p>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <section className="card" aria-labelledby="model-aliases-heading">
        <h2 id="model-aliases-heading">Aliases</h2>
        {Object.keys(model.aliases).length === 0 ? <p className="muted">No aliases. Point <code>production</code> or <code>staging</code> at a version.</p> : (
          <ul data-testid="model-aliases">
            {Object.entries(model.aliases).map(([alias, v]) => (
              <li key={alias}><strong>{alias}</strong> → v{v}</li>
            ))}
          </ul>
        )}
        {mayChange && model.version_list.length ? <AliasForm model={model} onChanged={setModel} /> : null}
      </section>
      <section className="card" aria-labelledby="model-versions-heading">
        <h2 id="model-versions-heading">Versions</h2>
        <div className="table-wrap">
          <table data-testid="model-versions">
            <caption className="visually-hidden">Versions, newest first, with the run&rsquo;s metrics when registered</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                {metricKeys.map((k) => <th key={k} scope="col" className="num">{k}</th>)}
                <th scope="col">Run</th>
                <th scope="col">Notebook</th>
                <th scope="col">Image</th>
                <th scope="col">Data</th>
                <th scope="col">Registered</th>
                <th scope="col"><span className="visually-hidden">Download</span></th>
              </tr>
            </thead>
            <tbody>
              {model.version_list.map((v) => (
                <tr key={v.version} data-testid="model-version-row">
                  <th scope="row">
                    v{v.version}
                    {v.aliases.map((a) => <span key={a} className="badge"> {a}</span>)}
                    {v.description ? <div className="muted">{v.description}</div> : null}
                  </th>
                  {metricKeys.map((k) => <td key={k} className="num mono">{metricText(v.metrics[k])}</td>)}
                  <td>{v.run_id ? <Link href={`/experiments/${v.run_id}`}>#{v.run_id}</Link> : <span className="muted">—</span>}</td>
                  <td>{v.lineage ? (v.lineage.notebook_id ? <Link href={`/notebooks/${v.lineage.notebook_id}`}>{v.lineage.notebook_name}</Link> : v.lineage.notebook_name) : null}
                    {v.lineage ? <span className="muted"> rev {v.lineage.notebook_revision}</span> : null}</td>
                  <td className="mono" title={v.lineage?.image_digest}>{v.lineage ? `${v.lineage.image} ${v.lineage.image_digest.slice(7, 19)}` : ""}</td>
                  <td>{v.lineage?.datasets.map((d) => `${d.owner}/${d.dataset} v${d.version}`).join(", ") || <span className="muted">none</span>}</td>
                  <td className="nowrap"><When iso={v.created_at} /></td>
                  <td className="actions"><a href={`/api/models/${id}/versions/${v.version}/file`} download aria-label={`Download v${v.version}`}>Download</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {latest ? <ModelSignature version={latest} /> : null}
      <section className="card" aria-labelledby="model-endpoints-heading">
        <h2 id="model-endpoints-heading">Endpoints</h2>
        <EndpointList modelId={model.id} reload={served} emptyText="Not served yet." />
        {mayChange && model.version_list.length ? (
          <div className="subform">
            <h3>Serve</h3>
            <p className="hint">Kiln answers <code>POST /serve/&lt;name&gt;/predict</code> with this model, on this server. An alias is read now: later moves of it do not change the endpoint (set its traffic instead).</p>
            <ServeForm model={model} onServed={() => setServed((n) => n + 1)} />
          </div>
        ) : null}
      </section>
    </>
  );
}
