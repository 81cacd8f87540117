import Link from "next/link";
import { dataUrl } from "./run-format";
import type { RunModel } from "./types";

const CHECKS_BADGE: Record<string, string> = { passed: "badge-success", failed: "badge-danger" };

/** The dataset versions the run read: what a reproduction reads again. */
export function RunDataPins({ run }: { run: RunModel }) {
  return (
    <section className="card" aria-labelledby="run-data-heading">
      <h2 id="run-data-heading">Data</h2>
      {run.inputs.length === 0 ? <p className="muted">This run read no Kiln dataset.</p> : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Dataset versions read</caption>
            <thead><tr><th scope="col">Dataset</th><th scope="col">Owner</th><th scope="col">Version</th><th scope="col">Checks</th></tr></thead>
            <tbody>
              {run.inputs.map((d) => (
                <tr key={`${d.owner}:${d.dataset}:${d.version}`}>
                  <th scope="row"><Link href={dataUrl(d.owner, d.dataset)}>{d.dataset}</Link></th>
                  <td>{d.owner}</td>
                  <td><Link href={dataUrl(d.owner, d.dataset, d.version)} aria-label={`${d.dataset} version ${d.version}`}>v{d.version}</Link></td>
                  <td><span className={`badge ${CHECKS_BADGE[d.checks_status] ?? "badge-neutral"}`}>{d.checks_status}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
