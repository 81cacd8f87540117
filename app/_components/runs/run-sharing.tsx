"use client";

import { useState } from "react";
import { api } from "../api";
import type { RunModel } from "./types";

/** Owner and admins only: make the run public, or share it with groups (read-only for their members). */
export function RunSharing({ run, onChanged }: { run: RunModel; onChanged: (r: RunModel) => void }) {
  const [groups, setGroups] = useState(run.shared_groups.join(", "));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");

  async function patch(body: { public?: boolean; shared_groups?: string[] }, done: string) {
    setBusy(true);
    setError("");
    setNotice("");
    const res = await api<RunModel>(`/api/runs/${run.id}`, { method: "PATCH", body });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    onChanged(res.data);
    setGroups(res.data.shared_groups.join(", "));
    setNotice(done);
  }

  function saveGroups(e: React.FormEvent) {
    e.preventDefault();
    const list = [...new Set(groups.split(",").map((g) => g.trim()).filter(Boolean))];
    void patch({ shared_groups: list }, list.length ? `Shared with ${list.join(", ")}.` : "Shared with no group.");
  }

  return (
    <section className="card" aria-labelledby="run-sharing-heading">
      <h2 id="run-sharing-heading">Sharing</h2>
      <div className="field-check">
        <input id="run-public" type="checkbox" checked={run.public} disabled={busy}
          onChange={(e) => void patch({ public: e.target.checked }, e.target.checked ? "Anyone signed in can now read this run." : "Only you and the groups below can read this run.")} />
        <label htmlFor="run-public">Public: anyone signed in to Kiln can read this run</label>
      </div>
      <form className="form-inline run-groups" onSubmit={saveGroups}>
        <div className="field field-grow">
          <label htmlFor="run-groups">Shared with groups</label>
          <input id="run-groups" value={groups} placeholder="ml, vision" aria-describedby="run-groups-hint" onChange={(e) => setGroups(e.target.value)} />
          <p id="run-groups-hint" className="hint">Comma-separated group names. Members can read the run, not change it.</p>
        </div>
        <button type="submit" className="btn btn-secondary" disabled={busy}>Save groups</button>
      </form>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
    </section>
  );
}
