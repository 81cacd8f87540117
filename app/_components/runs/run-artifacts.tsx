import { When } from "../when";
import { RegisterModel } from "./register-model";
import { artifactUrl, formatBytes } from "./run-format";
import type { RunDetail } from "./types";

/** The files the run stored, to download; and a whole-notebook run's executed notebook. */
export function RunArtifacts({ run }: { run: RunDetail }) {
  return (
    <section className="card" aria-labelledby="run-artifacts-heading">
      <h2 id="run-artifacts-heading">Artifacts</h2>
      {run.has_output ? (
        <p>
          <a className="btn btn-secondary btn-small" href={`/api/runs/${run.id}/output`} download>
            Download output notebook (.ipynb)
          </a>
        </p>
      ) : null}
      {run.artifacts.length === 0 ? <p className="muted">No artifacts. In the notebook: <code>kiln.log_artifact(&quot;model.pt&quot;)</code>.</p> : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Artifacts</caption>
            <thead><tr><th scope="col">Path</th><th scope="col">Kind</th><th scope="col">Size</th><th scope="col">Stored</th><th scope="col"><span className="visually-hidden">Download</span></th></tr></thead>
            <tbody>
              {run.artifacts.map((a) => (
                <tr key={a.path}>
                  <th scope="row" className="mono">{a.path}</th>
                  <td>{a.kind}</td>
                  <td className="nowrap">{formatBytes(a.size)}</td>
                  <td className="nowrap"><When iso={a.created_at} /></td>
                  <td className="actions">
                    <a href={artifactUrl(run.id, a.path)} download aria-label={`Download ${a.path}`}>Download</a>
                    {a.kind === "model" ? <> <RegisterModel runId={run.id} artifact={a.path} suggested={a.path.split("/")[0] ?? "model"} /></> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
