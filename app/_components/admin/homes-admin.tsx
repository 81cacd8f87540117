"use client";

import { useState } from "react";
import { api } from "../api";
import { TableHead } from "../table-head";
import { useApiList } from "../use-api-list";
import { When } from "../when";

interface KeptHome {
  id: number;
  user: string;
  spawner: string;
  location: string;
  mode: "delete" | "archive";
  deleted_at: string;
  purge_after: string | null;
}

/** Deleted users' files still kept: when each goes, and a button to delete one now. */
export function HomesAdmin() {
  const { items, error, setError, refresh } = useApiList<KeptHome>("/api/homes", (d) => (d as { homes: KeptHome[] }).homes);
  const [notice, setNotice] = useState("");

  async function purge(h: KeptHome) {
    if (!window.confirm(`Delete ${h.user}'s files (${h.location}) now? This cannot be undone.`)) return;
    setError("");
    const res = await api(`/api/homes/${h.id}`, { method: "DELETE" });
    if (!res.ok) return setError(res.error.message);
    setNotice(`Deleted ${h.user}'s files.`);
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="homes-heading">
      <div className="section-head">
        <h2 id="homes-heading">Deleted users' files</h2>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      {items?.length === 0 ? <p className="muted">None kept.</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <TableHead caption="Deleted users' files" columns={["User", "Where", "Deleted", "Goes"]} />
            <tbody>
              {items.map((h) => (
                <tr key={h.id}>
                  <th scope="row">{h.user}</th>
                  <td><code>{h.location}</code></td>
                  <td className="nowrap"><When iso={h.deleted_at} style="ago" /></td>
                  <td className="nowrap">{h.purge_after ? <When iso={h.purge_after} style="date" /> : "Kept (archive)"}</td>
                  <td className="actions">
                    <button type="button" className="btn btn-danger btn-small" aria-label={`Delete ${h.user}'s files now`} onClick={() => void purge(h)}>
                      Delete now
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
