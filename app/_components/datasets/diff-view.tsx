"use client";

import { useState } from "react";
import { api } from "../api";
import styles from "./datasets.module.css";
import { type DiffModel, formatBytes, refSegment } from "./types";

const rowsText = (from?: number, to?: number) => (from === undefined && to === undefined ? "—" : `${from ?? "—"} → ${to ?? "—"}`);

/** Pick two versions and see which files were added, removed or changed (by content), with row counts for tables. */
export function DiffView({ owner, name, versions }: { owner: string; name: string; versions: number[] }) {
  const [from, setFrom] = useState(versions[1] ?? versions[0] ?? 1);
  const [to, setTo] = useState(versions[0] ?? 1);
  const [diff, setDiff] = useState<DiffModel | null>(null);
  const [error, setError] = useState("");
  if (versions.length < 2) return <p className="muted">Two versions are needed to compare.</p>;

  async function compare(e: React.FormEvent) {
    e.preventDefault();
    const r = await api<DiffModel>(`/api/datasets/${refSegment(owner, name)}/diff?from=${from}&to=${to}`);
    if (r.ok) (setDiff(r.data), setError(""));
    else setError(r.error.message);
  }
  const select = (id: string, label: string, value: number, set: (v: number) => void) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => (set(Number(e.target.value)), setDiff(null))}>
        {versions.map((v) => <option key={v} value={v}>v{v}</option>)}
      </select>
    </div>
  );

  return (
    <div>
      <form className={styles.diffPicker} onSubmit={compare} aria-label="Compare versions">
        {select("ds-diff-from", "From", from, setFrom)}
        {select("ds-diff-to", "To", to, setTo)}
        <button type="submit" className="btn btn-secondary">Compare</button>
      </form>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {diff ? (
        <div data-testid="diff">
          <p>
            {diff.added.length} added, {diff.removed.length} removed, {diff.changed.length} changed, {diff.unchanged} unchanged.
          </p>
          {diff.added.length + diff.removed.length + diff.changed.length > 0 ? (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Files that differ between v{from} and v{to}</caption>
                <thead><tr><th scope="col">File</th><th scope="col">Change</th><th scope="col">Size</th><th scope="col">Rows</th></tr></thead>
                <tbody>
                  {diff.added.map((p) => <tr key={`a${p}`}><th scope="row" className="mono">{p}</th><td><span className="badge badge-success">added</span></td><td /><td /></tr>)}
                  {diff.removed.map((p) => <tr key={`r${p}`}><th scope="row" className="mono">{p}</th><td><span className="badge badge-danger">removed</span></td><td /><td /></tr>)}
                  {diff.changed.map((c) => (
                    <tr key={`c${c.path}`}>
                      <th scope="row" className="mono">{c.path}</th>
                      <td><span className="badge badge-accent">changed</span></td>
                      <td className="nowrap">{formatBytes(c.size_from)} → {formatBytes(c.size_to)}</td>
                      <td className="nowrap" data-testid="diff-rows">{rowsText(c.rows_from, c.rows_to)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
