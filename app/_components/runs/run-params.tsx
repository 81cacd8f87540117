import type { RunModel } from "./types";

/** The params the run logged (and any tags), as key–value rows. */
export function RunParams({ run }: { run: RunModel }) {
  const params = Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b));
  const tags = Object.entries(run.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className="card" aria-labelledby="run-params-heading">
      <h2 id="run-params-heading">Params</h2>
      {params.length === 0 ? <p className="muted">No params logged. In the notebook: <code>kiln.log_param(&quot;lr&quot;, 0.1)</code>.</p> : (
        <div className="table-wrap">
          <table className="run-kv" data-testid="run-params">
            <caption className="visually-hidden">Params</caption>
            <thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
            <tbody>
              {params.map(([k, v]) => (
                <tr key={k}><th scope="row" className="mono">{k}</th><td className="mono">{v}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {tags.length ? (
        <p className="run-tags">
          Tags:{" "}
          {tags.map(([k, v]) => <span key={k} className="badge badge-neutral mono">{k}={v}</span>)}
        </p>
      ) : null}
    </section>
  );
}
