"use client";

import "katex/dist/katex.min.css";
import "./notebook.css";
import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "../api";
import { CellInspector } from "./cell-inspector";
import { CellList } from "./cell-list";
import { ContentsPanel } from "./contents-panel";
import { NotebookController, type Panel } from "./controller";
import { QuestionDialog, ShortcutsDialog } from "./dialogs";
import { KernelDeadBanner, NoServerBanner } from "./kernel-banners";
import { createCommandKeys } from "./keyboard";
import { NotebookHeader } from "./notebook-header";
import { PromotePanel } from "./promote-panel";
import { ConflictBanner, ErrorBanner } from "./notice-banners";
import { RevisionsPanel } from "./revisions-panel";
import { type Signal, useSignal } from "./signal";
import { Toolbar } from "./toolbar";
import type { NotebookModel } from "./types";
import { VariablesPanel } from "./variables-panel";
import { ControllerContext } from "./use-store";

/** The /notebooks/{id} page body: loads the notebook, then hands it to a controller for the page's life. */
export function NotebookEditor({ id, user }: { id: number; user: string }) {
  const [c, setC] = useState<NotebookController | null>(null);
  const [error, setError] = useState("");

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
      <NotebookPage panel={c.panel} />
    </ControllerContext>
  );
}

/** The cells, with the side panel (contents, cell tags and metadata, variables, revisions) beside them when one is open. */
function NotebookPage({ panel }: { panel: Signal<Panel | null> }) {
  const open = useSignal(panel);
  const close = () => panel.set(null);
  return (
    <div className={`nb-page${open ? " nb-with-panel" : ""}`}>
      <div className="nb-main">
        <NotebookHeader />
        <KernelDeadBanner />
        <NoServerBanner />
        <ConflictBanner />
        <ErrorBanner />
        <Toolbar />
        <CellList />
      </div>
      {open === "revisions" ? <RevisionsPanel onClose={close} /> : null}
      {open === "contents" ? <ContentsPanel onClose={close} /> : null}
      {open === "cell" ? <CellInspector onClose={close} /> : null}
      {open === "variables" ? <VariablesPanel onClose={close} /> : null}
      {open === "promote" ? <PromotePanel onClose={close} /> : null}
      <QuestionDialog />
      <ShortcutsDialog />
    </div>
  );
}
