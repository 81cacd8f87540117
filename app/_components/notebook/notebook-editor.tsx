"use client";

import "katex/dist/katex.min.css";
import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "../api";
import { CellList } from "./cell-list";
import { NotebookController } from "./controller";
import { KernelDeadBanner, NoServerBanner } from "./kernel-banners";
import { createCommandKeys } from "./keyboard";
import { NotebookHeader } from "./notebook-header";
import { ConflictBanner, ErrorBanner } from "./notice-banners";
import { RevisionsPanel } from "./revisions-panel";
import { Toolbar } from "./toolbar";
import type { NotebookModel } from "./types";
import { ControllerContext } from "./use-store";

/** The /notebooks/{id} page body: loads the notebook, then hands it to a controller for the page's life. */
export function NotebookEditor({ id, user }: { id: number; user: string }) {
  const [c, setC] = useState<NotebookController | null>(null);
  const [error, setError] = useState("");
  const [revisions, setRevisions] = useState(false);

  useEffect(() => {
    let live = true;
    let controller: NotebookController | null = null;
    void api<NotebookModel>(`/api/notebooks/${id}`).then((res) => {
      if (!live) return;
      if (!res.ok) return setError(res.error.status === 404 ? "This notebook does not exist, or it is not yours." : res.error.message);
      controller = new NotebookController(id, user, res.data);
      controller.start();
      setC(controller);
    });
    return () => {
      live = false;
      controller?.stop();
    };
  }, [id, user]);

  useEffect(() => {
    if (!c) return;
    const commandKeys = createCommandKeys(c);
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void c.saver.save();
        return;
      }
      if (commandKeys(e)) e.preventDefault();
    };
    // Leaving with edits typed in the last second: they go out with the page (keepalive);
    // only when they cannot (too big, or refused) does the browser ask the user to stay.
    const onLeave = (e: BeforeUnloadEvent) => {
      if (c.saver.hasUnsaved && !c.saver.saveOnExit()) e.preventDefault();
    };
    // Back from the back/forward cache: the revision may have moved on meanwhile.
    const onShow = (e: PageTransitionEvent) => {
      if (e.persisted) window.location.reload();
    };
    document.addEventListener("keydown", onKey);
    window.addEventListener("beforeunload", onLeave);
    window.addEventListener("pageshow", onShow);
    return () => {
      document.removeEventListener("keydown", onKey);
      window.removeEventListener("beforeunload", onLeave);
      window.removeEventListener("pageshow", onShow);
    };
  }, [c]);

  if (error) {
    return (
      <div className="card empty-state">
        <h2>Cannot open this notebook</h2>
        <p>{error}</p>
        <p>
          <Link href="/notebooks" className="btn btn-secondary">Back to notebooks</Link>
        </p>
      </div>
    );
  }
  if (!c) return <p className="muted" role="status">Loading notebook…</p>;
  return (
    <ControllerContext value={c}>
      <div className={`nb-page${revisions ? " nb-with-panel" : ""}`}>
        <div className="nb-main">
          <NotebookHeader revisionsOpen={revisions} onToggleRevisions={() => setRevisions((x) => !x)} />
          <KernelDeadBanner />
          <NoServerBanner />
          <ConflictBanner />
          <ErrorBanner />
          <Toolbar />
          <CellList />
        </div>
        {revisions ? <RevisionsPanel onClose={() => setRevisions(false)} /> : null}
      </div>
    </ControllerContext>
  );
}
