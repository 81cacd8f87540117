"use client";

import { useState } from "react";
import { api } from "../../api";
import { When } from "../../when";
import type { NotebookModel, NotebookSummary } from "../types";

/** A deleted notebook, recoverable until it is purged. */
export function DeletedRow({ n, onChanged, onError }: { n: NotebookSummary; onChanged: (m: string) => void; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false);
  async function restore() {
    setBusy(true);
    const res = await api<NotebookModel>(`/api/notebooks/${n.id}/undelete`, { method: "POST" });
    setBusy(false);
    if (!res.ok) return onError(res.error.message);
    onChanged(`Restored ${res.data.name}.`);
  }
  return (
    <tr>
      <th scope="row">{n.name}</th>
      <td>{n.cells}</td>
      <td className="nowrap"><When iso={n.deleted_at} style="ago" /></td>
      <td className="actions">
        <button type="button" className="btn btn-secondary btn-small" disabled={busy} aria-label={`Restore ${n.name}`} onClick={() => void restore()}>
          Restore
        </button>
      </td>
    </tr>
  );
}
