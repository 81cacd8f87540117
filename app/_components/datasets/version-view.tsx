"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "../api";
import { TableHead } from "../table-head";
import { When } from "../when";
import { CheckBadge } from "./check-badge";
import { TableView } from "./table-view";
import { datasetPage, filePath, formatBytes, refSegment, type VersionModel } from "./types";

const isTable = (p: string) => /\.(csv|tsv)$/i.test(p);

/** One version: its files (with downloads), the outcome of each data check, where it came from. */
export function VersionView({ owner, name, version }: { owner: string; name: string; version: number }) {
  const [v, setV] = useState<VersionModel | null>(null);
  const [error, setError] = useState("");
  const ref = refSegment(owner, name);
  useEffect(() => {
    void api<VersionModel>(`/api/datasets/${ref}/versions/${version}`).then((r) => (r.ok ? setV(r.data) : setError(r.error.message)));
  }, [ref, version]);

  if (error) return <div role="alert" className="alert alert-error">{error} <Link href={datasetPage(owner, name)}>Back to {name}</Link></div>;
  if (!v) return <p className="muted">Loading version {version}…</p>;
  return (
    <>
      <div className="page-header">
        <p className="eyebrow"><Link href="/data">Data</Link> / <Link href={datasetPage(owner, name)}>{owner}:{name}</Link></p>
        <h1>{name} v{v.version} <CheckBadge status={v.checks_status} /></h1>
        <p className="lede">{v.message || <span className="muted">No message.</span>}</p>
        <p className="muted">
          {formatBytes(v.size)} in {v.files.length} {v.files.length === 1 ? "file" : "files"} · <When iso={v.created_at} />
          {v.created_by ? ` by ${v.created_by}` : ""}
        </p>
      </div>
      <section className="card" aria-labelledby="ds-files-heading">
        <h2 id="ds-files-heading">Files</h2>
        <div className="table-wrap">
          <table>
            <TableHead caption={`Files of ${name} v${v.version}`} columns={["Path", "Size", "Rows", "SHA-256"]} />
            <tbody>
              {v.files.map((f) => (
                <tr key={f.path}>
                  <th scope="row" className="mono">{f.path}</th>
                  <td className="nowrap">{formatBytes(f.size)}</td>
                  <td>{f.rows ?? <span className="muted">—</span>}</td>
                  <td className="mono" title={f.sha256}>{f.sha256.slice(0, 12)}</td>
                  <td className="actions">
                    <a className="btn btn-secondary btn-small" href={`/api/datasets/${ref}/versions/${v.version}/files/${filePath(f.path)}`} download aria-label={`Download ${f.path}`}>
                      Download
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {v.files.some((f) => isTable(f.path)) ? <TableView owner={owner} name={name} version={v.version} paths={v.files.filter((f) => isTable(f.path)).map((f) => f.path)} /> : null}
      <section className="card" aria-labelledby="ds-results-heading">
        <h2 id="ds-results-heading">Data checks</h2>
        {v.check_results.length === 0 ? <p className="muted">No checks were declared for this version.</p> : (
          <ul data-testid="check-results">
            {v.check_results.map((r) => (
              <li key={r.check}>
                <span className={r.passed ? "badge badge-success" : "badge badge-danger"}>{r.passed ? "passed" : "failed"}</span>
                <span className="mono">{r.check}</span>: {r.detail}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="ds-origin-heading">
        <h2 id="ds-origin-heading">Lineage</h2>
        {v.lineage.produced_by_run_id === null ? <p className="muted">Uploaded directly, not produced by a run.</p> : (
          <p>
            Produced by run {v.lineage.produced_by_run_id}
            {v.lineage.parents.length ? " from " : "."}
            {v.lineage.parents.map((p, i) => (
              <span key={`${p.owner}:${p.dataset}:${p.version}`}>
                {i ? ", " : ""}
                <Link href={`${datasetPage(p.owner, p.dataset)}/versions/${p.version}`}>{p.owner}:{p.dataset} v{p.version}</Link>
              </span>
            ))}
          </p>
        )}
      </section>
    </>
  );
}
