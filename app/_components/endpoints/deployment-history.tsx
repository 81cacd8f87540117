import { When } from "../when";
import { splitText, type EndpointEvent, type TrafficSplit } from "./types";

const isSplit = (v: unknown): v is TrafficSplit[] => Array.isArray(v) && v.every((t) => typeof (t as TrafficSplit)?.version === "number");

/** "v1 100% → v1 90%, v2 10%": what the event changed, from its recorded detail. */
function versionsText(ev: EndpointEvent): string {
  const d = ev.detail;
  if (isSplit(d.before) && isSplit(d.after)) return `${splitText(d.before)} → ${splitText(d.after)}`;
  if (typeof d.version === "number") return `→ v${d.version}${typeof d.requested === "string" && d.requested !== String(d.version) ? ` (${d.requested})` : ""}`;
  return "";
}

/** Every change to the endpoint, newest first (lib/serving/manage.ts records them). */
export function DeploymentHistory({ history }: { history: EndpointEvent[] }) {
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">Deployment history</h2>
      <div className="table-wrap">
        <table data-testid="endpoint-history">
          <caption className="visually-hidden">Changes to this endpoint, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Versions (before → after)</th>
              <th scope="col">Reason</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {history.map((ev, i) => (
              <tr key={`${ev.at}-${i}`}>
                <th scope="row">{ev.action}</th>
                <td>{versionsText(ev) || <span className="muted">—</span>}</td>
                <td>{typeof ev.detail.reason === "string" ? ev.detail.reason : <span className="muted">—</span>}</td>
                <td>{ev.by ?? <span className="muted">—</span>}</td>
                <td className="nowrap"><When iso={ev.at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
