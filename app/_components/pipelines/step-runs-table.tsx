import Link from "next/link";
import { dataUrl } from "../runs/run-format";
import { TableHead } from "../table-head";
import styles from "./pipelines.module.css";
import { durationText, RunStatusBadge } from "./run-status";
import { runPage, type StepOutput, type StepRun, trackedRunPage } from "./run-types";

/** A dataset output links to its version's page (named after the output, the pipeline owner's); an artifact or model to the run that logged it. */
function OutputLink({ name, o, owner }: { name: string; o: StepOutput; owner: string }) {
  if (o.kind === "dataset") return <Link href={dataUrl(owner, name, o.version)}>dataset {name} v{o.version}</Link>;
  return <Link href={trackedRunPage(o.run_id)}>{o.kind} {o.path}</Link>;
}

/** A run's steps: where each stands, its attempts, its tracked run, what it made; selecting one shows its log below. */
export function StepRunsTable({ steps, owner, selected, onSelect }: { steps: StepRun[]; owner: string; selected: string | null; onSelect: (step: string) => void }) {
  return (
    <div className="table-wrap">
      <table data-testid="step-runs">
        <TableHead caption="The run's steps" columns={["Step", "Status", "Attempts", "Duration", "Tracked run", "Outputs"]} />
        <tbody>
          {steps.map((s) => (
            <tr key={s.step} data-step={s.step} className={s.step === selected ? styles.pickedRow : undefined}>
              <th scope="row">
                <button type="button" className={styles.linkButton} aria-pressed={s.step === selected} onClick={() => onSelect(s.step)}>{s.step}</button>
              </th>
              <td><RunStatusBadge status={s.status} /></td>
              <td>{s.attempts.length}</td>
              <td className="nowrap">{durationText(s.duration_ms)}</td>
              <td>
                {s.run_id ? <Link href={trackedRunPage(s.run_id)}>Run {s.run_id}</Link> : <span className="muted">—</span>}
                {s.cached_from?.pipeline_run_id ? (
                  <div className="muted">cached from <Link href={runPage(s.cached_from.pipeline_run_id)}>pipeline run {s.cached_from.pipeline_run_id}</Link></div>
                ) : null}
              </td>
              <td>
                {Object.keys(s.outputs).length ? (
                  <ul className={styles.outputs}>
                    {Object.entries(s.outputs).map(([name, o]) => <li key={name}><OutputLink name={name} o={o} owner={owner} /></li>)}
                  </ul>
                ) : <span className="muted">—</span>}
              </td>
              <td className="actions" />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
