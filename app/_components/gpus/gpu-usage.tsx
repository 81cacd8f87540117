"use client";

import { useEffect, useState } from "react";
import { api } from "../api";
import { TableHead } from "../table-head";
import type { UsageReport } from "./types";

const thisMonth = () => new Date().toISOString().slice(0, 7);

/** GPU-hours per user (and, for an admin, per group) for a month: a bar chart, the table, CSV and JSON. */
export function GpuUsage({ title = "GPU usage" }: { title?: string }) {
  const [month, setMonth] = useState(thisMonth);
  const [report, setReport] = useState<UsageReport | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    void api<UsageReport>(`/api/gpu-usage?month=${month}`).then((res) => (res.ok ? (setReport(res.data), setError("")) : setError(res.error.message)));
  }, [month]);
  const rows = [...(report?.users.map((u) => ({ label: u.user, kind: "user", ...u })) ?? []), ...(report?.groups.map((g) => ({ label: g.group, kind: "group", ...g })) ?? [])];
  const most = Math.max(...rows.map((r) => r.gpu_hours), 0.001);
  return (
    <section className="card" aria-labelledby="gpu-usage-heading">
      <div className="section-head">
        <h2 id="gpu-usage-heading">{title}</h2>
        <label htmlFor="gpu-usage-month">Month</label>
        <input id="gpu-usage-month" type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} />
        <a className="btn btn-secondary btn-small" href={`/api/gpu-usage?month=${month}&format=csv`} download>CSV</a>
        <a className="btn btn-secondary btn-small" href={`/api/gpu-usage?month=${month}`}>JSON</a>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {report && rows.length === 0 ? <p className="muted">No GPU was held in {report.month}.</p> : null}
      {rows.length > 0 ? (
        <>
          <svg className="gpu-usage-chart" role="img" aria-label={`GPU-hours in ${report!.month}: ${rows.map((r) => `${r.kind} ${r.label} ${r.gpu_hours}`).join("; ")}`} width="100%" height={rows.length * 22} data-testid="gpu-usage-chart">
            {rows.map((r, i) => (
              <g key={`${r.kind}:${r.label}`} transform={`translate(0, ${i * 22})`}>
                <text x="0" y="15" fontSize="12">{r.kind === "group" ? `group ${r.label}` : r.label}</text>
                <rect x="35%" y="3" height="14" width={`${(r.gpu_hours / most) * 50}%`} className={r.kind === "group" ? "bar-group" : "bar-user"} />
                <text x="87%" y="15" fontSize="12">{r.gpu_hours} h</text>
              </g>
            ))}
          </svg>
          <div className="table-wrap">
            <table data-testid="gpu-usage">
              <TableHead caption={`GPU usage in ${report!.month}`} columns={["Who", "GPU-hours", "GPU-seconds", "Holdings"]} />
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.kind}:${r.label}`}>
                    <th scope="row">{r.kind === "group" ? `group ${r.label}` : r.label}</th>
                    <td>{r.gpu_hours}</td>
                    <td>{r.gpu_seconds}</td>
                    <td>{r.holdings}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
