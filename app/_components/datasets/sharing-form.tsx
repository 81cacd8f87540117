"use client";

import { useState } from "react";
import { api, fieldMessage } from "../api";
import { Field } from "../field";
import { type DatasetModel, refSegment } from "./types";

/** Public, or shared with groups (their members read it; only the owner and admins change it). */
export function SharingForm({ dataset, onSaved }: { dataset: DatasetModel; onSaved: (d: DatasetModel) => void }) {
  const [isPublic, setPublic] = useState(dataset.public);
  const [groups, setGroups] = useState(dataset.shared_groups.join(", "));
  const [error, setError] = useState("");
  const [saved, setSaved] = useState(false);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const shared_groups = groups.split(",").map((g) => g.trim()).filter(Boolean);
    const r = await api<DatasetModel>(`/api/datasets/${refSegment(dataset.owner, dataset.name)}`, { method: "PATCH", body: { public: isPublic, shared_groups } });
    if (!r.ok) return (setError(fieldMessage(r.error)), setSaved(false));
    setError("");
    setSaved(true);
    onSaved(r.data);
  }

  return (
    <form className="form" onSubmit={save} aria-label="Sharing" noValidate>
      <div className="field-check">
        <input id="ds-public" type="checkbox" checked={isPublic} onChange={(e) => (setPublic(e.target.checked), setSaved(false))} />
        <label htmlFor="ds-public">Public: every user can read it</label>
      </div>
      <Field id="ds-groups" label="Shared with groups" hint="Group names, separated by commas. Members can read and download, not change." value={groups}
        onChange={(e) => (setGroups(e.target.value), setSaved(false))} autoComplete="off" spellCheck={false} error={error || undefined} />
      <div>
        <button type="submit" className="btn btn-secondary">Save sharing</button>
        <span aria-live="polite" className="muted">{saved ? " Saved." : ""}</span>
      </div>
    </form>
  );
}
