"use client";

import Link from "next/link";
import { useEffect } from "react";
import { ExperimentButton } from "./experiment-form";
import { KernelStatus } from "./kernel-status";
import { NotebookName } from "./notebook-name";
import { SaveStateLabel } from "./save-state";
import { useSignal } from "./signal";
import { useController } from "./use-store";

/** Back link, name, save state, export, run as experiment and the revisions toggle; the kernel's state under them. */
export function NotebookHeader() {
  const c = useController();
  const name = useSignal(c.name);
  const revisionsOpen = useSignal(c.panel) === "revisions";
  useEffect(() => {
    document.title = `${name} · Kiln`;
  }, [name]);
  return (
    <header className="nb-header">
      <div className="nb-header-row">
        <Link href="/notebooks" className="nb-back">
          ← Notebooks
        </Link>
        <NotebookName />
        <SaveStateLabel />
        <div className="nb-header-actions">
          <button type="button" className="btn btn-secondary btn-small" title="Save now (Ctrl+S)" onClick={() => void c.saver.save()}>
            Save
          </button>
          <a
            className="btn btn-secondary btn-small"
            href={`${c.path}/export`}
            download={`${name}.ipynb`}
            onClick={(e) => {
              // Export what is on screen: save first, then follow the link.
              if (!c.saver.hasUnsaved) return;
              e.preventDefault();
              const a = e.currentTarget;
              void c.saver.save().then(() => a.click());
            }}
          >
            Export .ipynb
          </a>
          <ExperimentButton />
          <button type="button" className="btn btn-secondary btn-small" aria-expanded={revisionsOpen} aria-controls={revisionsOpen ? "nb-revisions" : undefined}
            onClick={() => c.panel.set(revisionsOpen ? null : "revisions")}>
            Revisions
          </button>
        </div>
      </div>
      <KernelStatus />
    </header>
  );
}
