"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api";
import { TableHead } from "../../table-head";
import type { NotebookModel, NotebookSummary } from "../types";
import { DeletedRow } from "./deleted-row";
import { ImportNotebook } from "./import-notebook";
import { NewNotebookForm } from "./new-notebook-form";
import { NotebookRow } from "./notebook-row";

/** The /notebooks page body: create, import, search, and the list (or the recently deleted). */
export function NotebookList() {
  const [q, setQ] = useState("");
  const [deleted, setDeleted] = useState(false);
  const [items, setItems] = useState<NotebookSummary[] | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [fresh, setFresh] = useState<number | null>(null);

  // Only the latest request may fill the list: an older answer (another search, the other view) is dropped.
  const latest = useRef(0);
  const refresh = useCallback(async () => {
    const params = new URLSearchParams();
    if (q.trim()) params.set("q", q.trim());
    if (deleted) params.set("deleted", "1");
    const mine = ++latest.current;
    const res = await api<NotebookSummary[]>(`/api/notebooks${params.size ? `?${params}` : ""}`);
    if (mine !== latest.current) return;
    if (res.ok) setItems(res.data);
    else setError(res.error.message);
  }, [q, deleted]);

  // Searching waits for a pause in typing.
  useEffect(() => {
    const t = setTimeout(() => void refresh(), q ? 200 : 0);
    return () => clearTimeout(t);
  }, [refresh, q]);

  const changed = (message: string) => {
    setError("");
    setNotice(message);
    void refresh();
  };
  const added = (n: NotebookModel, verb: string, more = "") => {
    setFresh(n.id);
    if (deleted) {
      setDeleted(false); // the list effect loads the notebooks again
      setNotice(`${verb} ${n.name}${more}.`);
    } else changed(`${verb} ${n.name}${more}.`);
  };

  return (
    <>
      <section className="card" aria-labelledby="nb-new-heading">
        <h2 id="nb-new-heading">New notebook</h2>
        <div className="nb-new">
          <NewNotebookForm onCreated={(n) => added(n, "Created")} />
          <ImportNotebook onImported={(n, replaced) => (replaced ? added(n, "Replaced", " (its previous content is kept as a revision)") : added(n, "Imported"))} />
        </div>
      </section>
      <section className="card" aria-labelledby="nb-list-heading">
        <div className="section-head">
          <h2 id="nb-list-heading">{deleted ? "Recently deleted" : "Your notebooks"}</h2>
          <div className="section-tools">
            <div className="field nb-search">
              <label htmlFor="nb-search" className="visually-hidden">Search notebooks</label>
              <input id="nb-search" type="search" placeholder="Search by name" value={q} onChange={(e) => setQ(e.target.value)} />
            </div>
            <button type="button" className="btn btn-secondary btn-small" aria-pressed={deleted} onClick={() => { setItems(null); setDeleted((d) => !d); }}>
              {deleted ? "Back to notebooks" : "Recently deleted"}
            </button>
          </div>
        </div>
        {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
        <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
        {items === null ? <p className="muted">Loading notebooks…</p> : null}
        {items?.length === 0 ? (
          <p className="muted">{q ? `No notebook matches “${q}”.` : deleted ? "Nothing was deleted in the last 30 days." : "No notebooks yet. Create one above or import a .ipynb."}</p>
        ) : null}
        {items && items.length > 0 ? (
          <div className="table-wrap">
            <table>
              <TableHead caption={deleted ? "Recently deleted notebooks" : "Your notebooks"} columns={["Name", "Cells", deleted ? "Deleted" : "Updated"]} />
              <tbody>
                {items.map((n) =>
                  deleted ? (
                    <DeletedRow key={n.id} n={n} onChanged={changed} onError={setError} />
                  ) : (
                    <NotebookRow key={n.id} n={n} highlight={n.id === fresh} onChanged={changed} onError={setError} />
                  ),
                )}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
