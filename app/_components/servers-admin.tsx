"use client";

import { useState } from "react";
import { api } from "./api";
import { formatMemory, type OwnedServer, serverLabel, serverPath, StatusBadge } from "./server-types";
import { TableHead } from "./table-head";
import { useApiList } from "./use-api-list";
import { When } from "./when";

/** Every running server on this Kiln, with a Stop button per row. */
export function ServersAdmin() {
  const { items: servers, error, setError, refresh } = useApiList<OwnedServer>("/api/servers");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState<string | null>(null);

  async function stop(s: OwnedServer) {
    const what = `server ${serverLabel(s.name)} of ${s.user}`;
    if (!window.confirm(`Stop ${what}? Their running kernels are shut down and unsaved changes are lost.`)) return;
    setBusy(`${s.user}/${s.name}`);
    setError("");
    setNotice("");
    const res = await api(serverPath(s.user, s.name), { method: "DELETE" });
    setBusy(null);
    if (!res.ok) setError(res.error.message);
    else setNotice(`Stopped ${what}.`);
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="servers-heading">
      <div className="section-head">
        <h2 id="servers-heading">Running servers</h2>
        <div className="section-tools">
          {servers ? <span className="muted">{servers.length} {servers.length === 1 ? "server" : "servers"}</span> : null}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void refresh()} aria-label="Refresh running servers">
            Refresh
          </button>
        </div>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      {servers === null ? <p className="muted">Loading servers…</p> : null}
      {servers?.length === 0 ? <p className="muted">No server is running.</p> : null}
      {servers && servers.length > 0 ? (
        <div className="table-wrap">
          <table>
            <TableHead caption="Running servers" columns={["Owner", "Server", "Image", "CPUs", "Memory", "GPUs", "Age", "Last activity", "Status"]} />
            <tbody>
              {servers.map((s) => (
                <tr key={`${s.user}/${s.name}`}>
                  <th scope="row">{s.user}</th>
                  <td>{s.name || <span className="muted">default</span>}</td>
                  <td>{s.user_options.image}</td>
                  <td>{s.user_options.cpu}</td>
                  <td className="nowrap">{formatMemory(s.user_options.memory)}</td>
                  <td>{s.user_options.gpus}</td>
                  <td className="nowrap"><When iso={s.started} style="ago" /></td>
                  <td className="nowrap"><When iso={s.last_activity} style="ago" empty="Never" /></td>
                  <td><StatusBadge s={s} /></td>
                  <td className="actions">
                    <button type="button" className="btn btn-danger btn-small" disabled={busy === `${s.user}/${s.name}` || s.pending === "stop"}
                      aria-label={`Stop server ${serverLabel(s.name)} of ${s.user}`} onClick={() => stop(s)}>
                      Stop
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
