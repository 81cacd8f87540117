"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "../../api";
import { When } from "../../when";
import type { NotebookModel, NotebookSummary } from "../types";

interface Props {
  n: NotebookSummary;
  highlight: boolean;
  onChanged: (message: string) => void;
  onError: (message: string) => void;
}

/** One notebook: open it, rename in place, duplicate, delete (recoverable). */
export function NotebookRow({ n, highlight, onChanged, onError }: Props) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(n.name);
  const [busy, setBusy] = useState(false);
  const path = `/api/notebooks/${n.id}`;

  async function act<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { message: string } }>, done: (data: T) => string) {
    setBusy(true);
    const res = await p;
    setBusy(false);
    if (!res.ok) return onError(res.error.message);
    onChanged(done(res.data));
  }

  async function rename(e: React.FormEvent) {
    e.preventDefault();
    const next = name.trim();
    if (!next || next === n.name) return setRenaming(false);
    await act(api<NotebookModel>(path, { method: "PATCH", body: { name: next } }), (m) => {
      setRenaming(false);
      return `Renamed to ${m.name}.`;
    });
  }

  return (
    <tr className={highlight ? "nb-row-new" : undefined}>
      <th scope="row">
        {renaming ? (
          <form className="nb-rename" onSubmit={rename}>
            <label htmlFor={`nb-rename-${n.id}`} className="visually-hidden">
              New name for {n.name}
            </label>
            <input id={`nb-rename-${n.id}`} value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => e.key === "Escape" && (setRenaming(false), setName(n.name))} />
            <button type="submit" className="btn btn-primary btn-small" disabled={busy}>Save</button>
            <button type="button" className="btn btn-secondary btn-small" onClick={() => (setRenaming(false), setName(n.name))}>Cancel</button>
          </form>
        ) : (
          <Link href={`/notebooks/${n.id}`}>{n.name}</Link>
        )}
      </th>
      <td>{n.cells}</td>
      <td className="nowrap"><When iso={n.updated_at} style="ago" /></td>
      <td className="actions">
        {!renaming ? (
          <button type="button" className="btn btn-secondary btn-small" aria-label={`Rename ${n.name}`} onClick={() => setRenaming(true)}>
            Rename
          </button>
        ) : null}
        <button type="button" className="btn btn-secondary btn-small" disabled={busy} aria-label={`Duplicate ${n.name}`}
          onClick={() => void act(api<NotebookModel>(`${path}/duplicate`, { method: "POST", body: {} }), (m) => `Duplicated as ${m.name}.`)}>
          Duplicate
        </button>
        <button type="button" className="btn btn-danger btn-small" disabled={busy} aria-label={`Delete ${n.name}`}
          onClick={() => void act(api(path, { method: "DELETE" }), () => `Deleted ${n.name}. It stays in Recently deleted for 30 days.`)}>
          Delete
        </button>
      </td>
    </tr>
  );
}
