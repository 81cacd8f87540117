import Link from "next/link";
import { RunNowForm } from "./run-now-form";
import type { PipelineRunSummary } from "./run-types";
import { RunsTable } from "./runs-table";
import type { StepDefinition } from "./types";

/** Run the pipeline now, and its runs so far. */
export function RunsCard({ pipelineId, steps, runs, error }: { pipelineId: number; steps: StepDefinition[]; runs: PipelineRunSummary[] | null; error: string }) {
  return (
    <section className="card" aria-labelledby="runs-heading">
      <div className="section-head">
        <h2 id="runs-heading">Runs</h2>
        <Link href="/pipelines/runs">All pipeline runs</Link>
      </div>
      <RunNowForm key={pipelineId} pipelineId={pipelineId} steps={steps} />
      <h3>Recent runs</h3>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {runs === null && !error ? <p className="muted">Loading runs…</p> : null}
      {runs?.length === 0 ? <p className="muted">Not run yet.</p> : null}
      {runs?.length ? <RunsTable runs={runs} caption="This pipeline's runs" /> : null}
    </section>
  );
}
