"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "../api";
import { formatDuration } from "../runs/run-format";
import { When } from "../when";
import { SweepStatusBadge } from "./status";
import { objectiveText, STRATEGY_LABEL, type Sweep } from "./types";

function budgetText(b: Sweep["budget"]): string {
  const parts = [`${b.max_trials} trials`, `${b.max_parallel ?? 2} at a time`];
  if (b.max_gpu_hours) parts.push(`at most ${b.max_gpu_hours} GPU-hours`);
  if (b.max_wall_s) parts.push(`at most ${formatDuration(b.max_wall_s)}`);
  return parts.join(", ");
}

const strategyText = (s: Sweep) => `${STRATEGY_LABEL[s.strategy]}${s.asha ? `, ASHA early stopping (steps ${s.asha.min_steps} to ${s.asha.max_steps}, η = ${s.asha.eta})` : ""}`;

/** Where the sweep stands and how it was set up; Cancel while it runs. */
export function SweepHeader({ sweep, onChange }: { sweep: Sweep; onChange: (s: Sweep) => void }) {
  const [error, setError] = useState("");
  const done = sweep.trials.filter((t) => !["queued", "running"].includes(t.status)).length;
  const cancel = async () => {
    if (!window.confirm(`Cancel sweep ${sweep.id}? Its running trials are stopped and no new one starts.`)) return;
    const r = await api<Sweep>(`/api/sweeps/${sweep.id}/cancel`, { method: "POST" });
    if (r.ok) onChange(r.data);
    setError(r.ok ? "" : r.error.message);
  };
  const rows: [string, React.ReactNode][] = [
    sweep.pipeline_id
      ? ["Pipeline", <Link key="p" href={`/pipelines/${sweep.pipeline_id}`}>{sweep.notebook}</Link>]
      : ["Notebook", sweep.notebook_id ? <Link href={`/notebooks/${sweep.notebook_id}`}>{sweep.notebook}</Link> : `${sweep.notebook} (deleted)`],
    ["Strategy", strategyText(sweep)],
    ["Objective", objectiveText(sweep.objective)],
    ["Budget", budgetText(sweep.budget)],
    ["Progress", `${done} of ${sweep.budget.max_trials} trials ended, ${sweep.trials.length - done} running`],
    ["Seed", sweep.seed],
    ["Started", <When iso={sweep.created_at} />],
    ["Ended", <When iso={sweep.ended_at} empty="still running" />],
    ["Owner", sweep.owner],
  ];
  return (
    <>
      <div className="page-header">
        <p className="muted"><Link href="/sweeps">Sweeps</Link></p>
        <div className="section-head">
          <h1>Sweep {sweep.id} of {sweep.notebook} <SweepStatusBadge status={sweep.status} /></h1>
          {sweep.status === "running" ? <button type="button" className="btn btn-danger" onClick={() => void cancel()}>Cancel sweep</button> : null}
        </div>
        {sweep.error && sweep.status !== "cancelled" ? <div role="alert" className="alert alert-error">{sweep.error}</div> : null}
        {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      </div>
      <section className="card" aria-labelledby="sweep-heading">
        <h2 id="sweep-heading" className="visually-hidden">About this sweep</h2>
        <dl className="props">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}
