"use client";

import { api } from "../api";
import { useApiList } from "../use-api-list";
import { isActive, type PipelineRunSummary } from "./run-types";
import { RunsTable } from "./runs-table";

/** Every pipeline run the user may see, newest first; an admin sees everyone's, with their owners, and may cancel a running one. */
export function AllPipelineRuns({ admin }: { admin: boolean }) {
  const { items, error, setError, refresh } = useApiList<PipelineRunSummary>("/api/pipeline-runs?limit=200", (d) => (d as { runs: PipelineRunSummary[] }).runs);
  const cancel = async (r: PipelineRunSummary) => {
    if (!window.confirm(`Cancel run ${r.id} of ${r.pipeline} (${r.owner})? Its running steps are stopped and the rest never start.`)) return;
    const res = await api(`/api/pipeline-runs/${r.id}/cancel`, { method: "POST" });
    if (!res.ok) setError(res.error.message);
    void refresh();
  };
  return (
    <section className="card" aria-labelledby="all-runs-heading">
      <div className="section-head">
        <h2 id="all-runs-heading">{admin ? "Everyone's runs" : "Your runs"}</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => void refresh()}>Refresh</button>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {items === null && !error ? <p className="muted">Loading runs…</p> : null}
      {items?.length === 0 ? <p className="muted">No pipeline runs yet: start one with Run now on a pipeline&apos;s page.</p> : null}
      {items?.length ? (
        <RunsTable runs={items} caption="Pipeline runs" showPipeline showOwner={admin}
          action={admin ? (r) => (isActive(r.status) ? <button type="button" className="btn btn-danger btn-small" aria-label={`Cancel run ${r.id}`} onClick={() => void cancel(r)}>Cancel</button> : null) : undefined} />
      ) : null}
    </section>
  );
}
