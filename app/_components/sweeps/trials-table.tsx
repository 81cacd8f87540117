import Link from "next/link";
import { formatDuration, formatNumber } from "../runs/run-format";
import { valueText } from "./scales";
import { TrialStatusBadge } from "./status";
import styles from "./sweeps.module.css";
import { paramNames, runPage, type Sweep } from "./types";

/** Every trial: the parameters it was given, what it scored, where it stands and its run; the best one marked. */
export function TrialsTable({ sweep }: { sweep: Sweep }) {
  const names = paramNames(sweep.space);
  const { metric } = sweep.objective;
  if (sweep.trials.length === 0) return <p className="muted">No trial has started yet.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="trials">
        <caption className="visually-hidden">The sweep&apos;s trials{sweep.best_trial === null ? "" : `; trial ${sweep.best_trial} is the best`}</caption>
        <thead>
          <tr>
            <th scope="col">Trial</th>
            {names.map((n) => <th scope="col" key={n} className="mono">{n}</th>)}
            <th scope="col">{metric}</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">GPU-seconds</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {sweep.trials.map((t) => {
            const best = t.number === sweep.best_trial;
            return (
              <tr key={t.number} data-trial={t.number} data-status={t.status} data-objective={t.objective ?? ""} data-best={best ? "true" : undefined} className={best ? styles.bestRow : undefined}>
                <th scope="row" className="nowrap">
                  {t.number}
                  {best ? <> <span className="badge badge-success" title={`The best ${metric} of the sweep's succeeded trials`}>best<span className="visually-hidden"> trial</span></span></> : null}
                </th>
                {names.map((n) => <td key={n} className="mono">{valueText(t.params[n])}</td>)}
                <td className="mono">{formatNumber(t.objective)}</td>
                <td><TrialStatusBadge trial={t} /></td>
                <td className="nowrap">{t.duration_ms === null ? (t.status === "running" ? "running" : "—") : formatDuration(t.duration_ms / 1000)}</td>
                <td>{t.gpus ? t.gpu_seconds : <span className="muted" title="It held no GPU">0</span>}</td>
                <td className="nowrap">{t.run_id ? <Link href={runPage(t.run_id)}>Run {t.run_id}</Link> : <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
