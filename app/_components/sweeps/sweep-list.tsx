"use client";

import Link from "next/link";
import { useApiList } from "../use-api-list";
import { When } from "../when";
import { SweepStatusBadge } from "./status";
import { objectiveText, STRATEGY_LABEL, sweepPage, type SweepSummary } from "./types";

/** The user's sweeps (an admin's: everyone's), newest first. */
export function SweepList({ user }: { user: string }) {
  const { items, error } = useApiList<SweepSummary>("/api/sweeps", (d) => (d as { sweeps: SweepSummary[] }).sweeps);
  return (
    <section className="card" aria-labelledby="sweeps-heading">
      <h2 id="sweeps-heading">Your sweeps</h2>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {items === null && !error ? <p className="muted">Loading sweeps…</p> : null}
      {items?.length === 0 ? <p className="muted">No sweeps yet. Start one below, or through the API (POST /api/sweeps).</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Your sweeps</caption>
            <thead>
              <tr>
                {["Sweep", "Notebook", "Strategy", "Objective", "Status", "Trials", "Started", "Owner"].map((c) => <th scope="col" key={c}>{c}</th>)}
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-testid="sweep-row" data-sweep-id={s.id}>
                  <th scope="row"><Link href={sweepPage(s.id)}>Sweep {s.id}</Link></th>
                  <td>{s.notebook_id ? <Link href={`/notebooks/${s.notebook_id}`}>{s.notebook}</Link> : s.notebook}</td>
                  <td>{STRATEGY_LABEL[s.strategy] ?? s.strategy}</td>
                  <td>{objectiveText(s.objective)}</td>
                  <td><SweepStatusBadge status={s.status} /></td>
                  <td className="nowrap">{s.trials} / {s.max_trials}</td>
                  <td className="nowrap"><When iso={s.created_at} /></td>
                  <td>{s.owner === user ? "you" : s.owner}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
