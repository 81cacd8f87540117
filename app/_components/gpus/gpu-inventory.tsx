"use client";

import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { TableHead } from "../table-head";
import { When } from "../when";
import type { GpuRow, QueueRow } from "./types";

/** The admin's GPU view: every device with its holder, the queue in serving order, rescan, cancel and move. */
export function GpuInventory() {
  const [data, setData] = useState<{ gpus: GpuRow[]; queue: QueueRow[] } | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const refresh = useCallback(async () => {
    const res = await api<{ gpus: GpuRow[]; queue: QueueRow[] }>("/api/gpus");
    if (res.ok) setData(res.data);
    else setError(res.error.message);
  }, []);
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 5000); // the queue moves as servers stop
    return () => clearInterval(t);
  }, [refresh]);

  async function act(path: string, method: string, body: unknown, done: string) {
    setError("");
    const res = await api(path, { method, body });
    if (!res.ok) return setError(res.error.message);
    setNotice(done);
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="gpus-heading">
      <div className="section-head">
        <h2 id="gpus-heading">GPUs</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => void act("/api/gpus/rescan", "POST", undefined, "Inventory rescanned.")}>
          Rescan
        </button>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      {data?.gpus.length === 0 ? <p className="muted">No GPUs: none found by nvidia-smi and none declared (KILN_GPU_INVENTORY).</p> : null}
      {data && data.gpus.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="gpu-inventory">
            <TableHead caption="GPU inventory" columns={["Host", "GPU", "Model", "Memory", "State", "Held by", "Since", "Utilisation"]} />
            <tbody>
              {data.gpus.map((g) => (
                <tr key={g.uuid}>
                  <th scope="row">{g.host}</th>
                  <td className="mono" title={g.uuid}>{g.index}: {g.uuid.slice(0, 12)}…</td>
                  <td>{g.model}</td>
                  <td className="nowrap">{(g.memory_mb / 1024).toFixed(0)} GiB</td>
                  <td>{g.state === "lost" ? <span className="badge badge-danger">lost</span> : "available"}</td>
                  <td>{g.held_by ?? <span className="muted">free</span>}</td>
                  <td className="nowrap">{g.held_since ? <When iso={g.held_since} style="ago" /> : ""}</td>
                  <td>{g.utilization === null ? <span className="muted">unknown</span> : `${g.utilization}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h3>Queue</h3>
      {data?.queue.length === 0 ? <p className="muted">Nobody is waiting for a GPU.</p> : null}
      {data && data.queue.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="gpu-queue">
            <TableHead caption="Waiting for GPUs, in the order they are served" columns={["#", "User", "For", "GPUs", "Holds now", "Priority", "Waiting since"]} />
            <tbody>
              {data.queue.map((q) => (
                <tr key={q.id}>
                  <td>{q.position}</td>
                  <th scope="row">{q.user}</th>
                  <td>{q.holder}</td>
                  <td>{q.count}</td>
                  <td>{q.user_holds}</td>
                  <td>{q.priority}</td>
                  <td className="nowrap"><When iso={q.since} style="ago" /></td>
                  <td className="actions">
                    <button type="button" className="btn btn-secondary btn-small" aria-label={`Serve ${q.user}'s request sooner`} onClick={() => void act(`/api/gpus/queue/${q.id}`, "PATCH", { priority: q.priority - 1 }, `${q.user}'s request moved up.`)}>
                      Move up
                    </button>
                    <button type="button" className="btn btn-danger btn-small" aria-label={`Cancel ${q.user}'s request`} onClick={() => void act(`/api/gpus/queue/${q.id}`, "DELETE", undefined, `${q.user}'s request was cancelled.`)}>
                      Cancel
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
