import Link from "next/link";
import { When } from "../when";
import styles from "./pipelines.module.css";
import { durationText, RunStatusBadge } from "./run-status";
import { type Attempt, runPage, type StepRun, trackedRunPage } from "./run-types";
import { StepLog } from "./step-log";

const ms = (a: Attempt) => (a.ended_at ? new Date(a.ended_at).getTime() - new Date(a.started_at).getTime() : null);

/** One attempt in a line: a lost one says plainly that its Kiln stopped and the step ran again. */
function AttemptLine({ a }: { a: Attempt }) {
  const lost = a.status === "lost";
  return (
    <li data-testid="step-attempt" data-status={a.status}>
      Attempt {a.attempt} <RunStatusBadge status={a.status} /> started <When iso={a.started_at} />{a.ended_at ? `, ${durationText(ms(a))}` : null}
      {a.run_id ? <> · <Link href={trackedRunPage(a.run_id)}>Run {a.run_id}</Link></> : null}
      {lost ? (
        <p>{a.error?.startsWith("Lost:") ? a.error : `Lost: the Kiln running attempt ${a.attempt} stopped before it ended; the step ran again as attempt ${a.attempt + 1}. ${a.error ?? ""}`}</p>
      ) : a.error ? (
        <pre className={styles.code}>{a.error}</pre>
      ) : null}
    </li>
  );
}

/** The selected step: its attempts and its live log. */
export function StepPanel({ runId, step }: { runId: number; step: StepRun }) {
  return (
    <section className="card" aria-labelledby="step-run-heading" data-testid="step-panel">
      <h2 id="step-run-heading">Step {step.step} <RunStatusBadge status={step.status} /></h2>
      {step.status === "waiting" ? <p className="muted">Waiting for the steps it reads from.</p> : null}
      {step.status === "skipped" ? <p className="muted">Skipped: a step it reads from did not succeed.</p> : null}
      {step.cached_from?.pipeline_run_id ? (
        <p className="muted">Cached: the same code, image, parameters and inputs ran in <Link href={runPage(step.cached_from.pipeline_run_id)}>pipeline run {step.cached_from.pipeline_run_id}</Link>; its outputs are reused.</p>
      ) : null}
      {step.error && step.status === "failed" ? <div className="alert alert-error">{step.error}</div> : null}
      {step.attempts.length ? (
        <>
          <h3>Attempts</h3>
          <ol className={styles.attempts}>{step.attempts.map((a) => <AttemptLine key={a.attempt} a={a} />)}</ol>
        </>
      ) : null}
      <h3>Log</h3>
      <StepLog runId={runId} step={step.step} />
    </section>
  );
}
