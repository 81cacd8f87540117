"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "../api";
import { TableHead } from "../table-head";
import { useApiList } from "../use-api-list";
import { When } from "../when";

interface NotebookSummary {
  id: number;
  name: string;
  updated_at: string;
}

/**
 * The notebooks Kiln keeps, beside the server's files: Kiln runs and records them, so they
 * live in Kiln, and each can be saved into the files as an .ipynb (ARCHITECTURE.md).
 */
export function KilnNotebooks({ onSaved }: { onSaved: () => void }) {
  const { items, error, setError } = useApiList<NotebookSummary>("/api/notebooks");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState<number | null>(null);

  async function save(n: NotebookSummary) {
    setBusy(n.id);
    setError("");
    setNotice("");
    const r = await api<{ path: string }>(`/api/notebooks/${n.id}/save-to-server`, { method: "POST", body: {} });
    setBusy(null);
    if (!r.ok) return setError(r.error.message);
    setNotice(`Saved ${n.name} as ${r.data.path}.`);
    onSaved();
  }

  return (
    <section className="card" aria-labelledby="kiln-notebooks-heading">
      <h2 id="kiln-notebooks-heading">Notebooks in Kiln</h2>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      {items?.length === 0 ? <p className="muted">No notebooks yet. Open an .ipynb below, or create one on the Notebooks page.</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <TableHead caption="Notebooks in Kiln" columns={["Notebook", "Saved"]} />
            <tbody>
              {items.map((n) => (
                <tr key={n.id}>
                  <th scope="row"><Link href={`/notebooks/${n.id}`}>{n.name}</Link></th>
                  <td className="nowrap"><When iso={n.updated_at} style="ago" /></td>
                  <td className="actions">
                    <button type="button" className="btn btn-secondary btn-small" disabled={busy === n.id} aria-label={`Save ${n.name} to your files`} onClick={() => void save(n)}>
                      Save to files
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
