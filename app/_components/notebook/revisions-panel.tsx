"use client";

import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { When } from "../when";
import type { NotebookModel, RevisionInfo } from "./types";
import { useController } from "./use-store";

const REASONS: Record<string, string> = {
  autosave: "Autosave",
  checkpoint: "Checkpoint",
  "before-restore": "Before a restore",
  import: "Imported",
};

/** Saved revisions, newest first; restoring one keeps the current version as a revision too. */
export function RevisionsPanel({ onClose }: { onClose: () => void }) {
  const c = useController();
  const [items, setItems] = useState<RevisionInfo[] | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState<number | null>(null);

  const refresh = useCallback(async () => {
    const res = await api<RevisionInfo[]>(`${c.path}/revisions`);
    if (res.ok) setItems(res.data);
    else setError(res.error.message);
  }, [c]);
  useEffect(() => void refresh(), [refresh]);

  async function restore(r: RevisionInfo) {
    if (!window.confirm(`Restore revision ${r.revision}? The current version is kept as a revision, so this can be undone.`)) return;
    setBusy(r.id);
    setError("");
    await c.saver.save(); // what is on screen becomes a revision before it is replaced
    const res = await api<NotebookModel>(`${c.path}/revisions/${r.id}/restore`, { method: "POST" });
    setBusy(null);
    if (!res.ok) return setError(res.error.message);
    c.replace(res.data);
    await refresh();
  }

  return (
    <aside id="nb-revisions" className="card nb-revisions" aria-labelledby="nb-revisions-heading">
      <div className="section-head">
        <h2 id="nb-revisions-heading">Revisions</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {items === null ? <p className="muted">Loading revisions…</p> : null}
      {items?.length === 0 ? <p className="muted">No revisions yet: they are kept as you save.</p> : null}
      <ul className="nb-revision-list">
        {items?.map((r) => (
          <li key={r.id}>
            <div>
              <strong>Revision {r.revision}</strong> <span className="muted">{REASONS[r.reason] ?? r.reason}</span>
              <br />
              <When iso={r.created_at} /> <span className="muted">· {r.cells} cells</span>
            </div>
            <button type="button" className="btn btn-secondary btn-small" disabled={busy !== null} aria-label={`Restore revision ${r.revision}`} onClick={() => void restore(r)}>
              Restore
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
