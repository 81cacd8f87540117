import Link from "next/link";
import { formatNumber } from "../runs/run-format";
import { BestModel } from "./best-model";
import { RunAgainButton } from "./run-again-button";
import { valueText } from "./scales";
import styles from "./sweeps.module.css";
import { paramNames, runPage, type Sweep } from "./types";

/** The best trial so far: its parameters and objective, its run, its model to register, and a run of the notebook with its parameters. */
export function BestTrial({ sweep }: { sweep: Sweep }) {
  const best = sweep.trials.find((t) => t.number === sweep.best_trial);
  const { metric } = sweep.objective;
  if (!best) return <p className="muted">No trial has succeeded yet.</p>;
  return (
    <div data-testid="best-trial">
      <dl className="props">
        <div>
          <dt>Trial</dt>
          <dd>{best.number}{sweep.status === "running" ? <span className="muted"> (so far)</span> : null}</dd>
        </div>
        <div>
          <dt>{metric}</dt>
          <dd className="mono" data-testid="best-objective">{formatNumber(best.objective)}</dd>
        </div>
        {paramNames(sweep.space).map((n) => (
          <div key={n}>
            <dt className="mono">{n}</dt>
            <dd className="mono">{valueText(best.params[n])}</dd>
          </div>
        ))}
        <div>
          <dt>Run</dt>
          <dd>{best.run_id ? <Link href={runPage(best.run_id)}>Run {best.run_id}</Link> : "—"}</dd>
        </div>
      </dl>
      <h3 className={styles.subhead}>Register best model</h3>
      {best.run_id ? <BestModel runId={best.run_id} /> : <p className="muted">The best trial has no run.</p>}
      <h3 className={styles.subhead}>Run again</h3>
      {sweep.pipeline_id ? <RunAgainButton pipelineId={sweep.pipeline_id} params={best.params} />
        : sweep.notebook_id ? <RunAgainButton notebookId={sweep.notebook_id} params={best.params} /> : <p className="muted">The notebook has been deleted.</p>}
    </div>
  );
}
