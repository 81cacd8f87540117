"use client";

import { useEffect, useState } from "react";
import { api } from "../api";
import { ColumnDistribution } from "./column-distribution";
import styles from "./datasets.module.css";
import { filePath, refSegment, type TableModel } from "./types";

const num = (x: number | null) => (x === null ? "—" : Number.isInteger(x) ? x.toLocaleString("en") : String(+x.toPrecision(6)));
const percent = (part: number, whole: number) => (whole === 0 ? "0%" : `${+((part / whole) * 100).toFixed(1)}%`);

/** One CSV/TSV file of a version: its first rows, and per column the profile computed at commit. */
export function TableView({ owner, name, version, paths }: { owner: string; name: string; version: number; paths: string[] }) {
  const [path, setPath] = useState(paths[0]!);
  const [table, setTable] = useState<TableModel | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let live = true;
    setTable(null);
    setError("");
    void api<TableModel>(`/api/datasets/${refSegment(owner, name)}/versions/${version}/table/${filePath(path)}?rows=20`).then((r) => {
      if (!live) return;
      if (r.ok) setTable(r.data);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [owner, name, version, path]);

  return (
    <section className="card" aria-labelledby="ds-table-heading" data-testid="table-view">
      <h2 id="ds-table-heading">Preview and profile</h2>
      {paths.length > 1 ? (
        <div className="field">
          <label htmlFor="ds-table-file">File</label>
          <select id="ds-table-file" value={path} onChange={(e) => setPath(e.target.value)}>
            {paths.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </div>
      ) : null}
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
      {!table && !error ? <p className="muted" role="status">Reading {path}…</p> : null}
      {table ? (
        <>
          <h3>First rows of <span className="mono">{table.path}</span></h3>
          <div className={`table-wrap ${styles.preview}`}>
            <table data-testid="table-preview">
              <caption className="visually-hidden">The first {table.preview.rows.length} rows of {table.path}</caption>
              <thead><tr>{table.preview.header.map((h, i) => <th scope="col" key={i} className="mono">{h}</th>)}</tr></thead>
              <tbody>
                {table.preview.rows.map((r, i) => (
                  <tr key={i}>{table.preview.header.map((_, j) => <td key={j} className="mono">{r[j] ?? ""}</td>)}</tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">
            {table.preview.rows.length.toLocaleString("en")} of {table.rows.toLocaleString("en")} rows shown
            {table.preview.hidden_columns ? `; ${table.preview.hidden_columns} more columns not shown` : ""}.
          </p>
          <h3>Columns</h3>
          <div className="table-wrap">
            <table data-testid="column-profile">
              <caption className="visually-hidden">Profile of each column of {table.path}</caption>
              <thead>
                <tr>{["Column", "Type", "Nulls", "Distinct", "Min", "Max", "Mean", "Distribution"].map((h) => <th scope="col" key={h}>{h}</th>)}</tr>
              </thead>
              <tbody>
                {table.columns.map((c) => (
                  <tr key={c.name} data-column={c.name}>
                    <th scope="row" className="mono">{c.name}</th>
                    <td data-field="type">{c.type ?? <span className="muted">empty</span>}</td>
                    <td data-field="nulls" className="nowrap">{c.nulls.toLocaleString("en")} <span className="muted">({percent(c.nulls, c.nulls + c.values)})</span></td>
                    <td data-field="distinct" title={c.distinct_exact ? undefined : "estimated (HyperLogLog)"}>{c.distinct_exact ? "" : "≈"}{c.distinct.toLocaleString("en")}</td>
                    <td data-field="min" className="mono">{num(c.min)}</td>
                    <td data-field="max" className="mono">{num(c.max)}</td>
                    <td data-field="mean" className="mono">{num(c.mean)}</td>
                    <td><ColumnDistribution column={c} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {table.columns_total > table.columns.length ? <p className="muted">Profiled: the first {table.columns.length} of {table.columns_total} columns.</p> : null}
        </>
      ) : null}
    </section>
  );
}
