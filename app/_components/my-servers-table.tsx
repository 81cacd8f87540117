"use client";

import { formatMemory, serverLabel, type ServerInfo, StatusBadge } from "./server-types";
import { TableHead } from "./table-head";
import { When } from "./when";

/** The signed-in user's servers, with how to reach each and a Stop button. */
export function MyServersTable({ servers, busy, onStop }: { servers: ServerInfo[]; busy: string | null; onStop: (s: ServerInfo) => void }) {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <div className="table-wrap">
      <table>
        <TableHead caption="Your servers" columns={["Server", "Image", "CPUs", "Memory", "GPUs", "Started", "Last activity", "Status", "Jupyter server URL"]} />
        <tbody>
          {servers.map((s) => (
            <tr key={s.name}>
              <th scope="row">{serverLabel(s.name)}</th>
              <td>{s.user_options.image}</td>
              <td>{s.user_options.cpu}</td>
              <td className="nowrap">{formatMemory(s.user_options.memory)}</td>
              <td>{s.user_options.gpus}</td>
              <td className="nowrap"><When iso={s.started} style="ago" /></td>
              <td className="nowrap"><When iso={s.last_activity} style="ago" empty="Never" /></td>
              <td><StatusBadge s={s} /></td>
              <td><code className="server-url">{origin}{s.url}</code></td>
              <td className="actions">
                {s.ready ? (
                  <a className="btn btn-secondary btn-small" href={s.url} target="_blank" rel="noopener" aria-label={`Open server ${serverLabel(s.name)}`}>
                    Open
                  </a>
                ) : null}
                <button type="button" className="btn btn-danger btn-small" disabled={busy === s.name || s.pending === "stop"}
                  aria-label={`Stop server ${serverLabel(s.name)}`} onClick={() => onStop(s)}>
                  Stop
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
