"use client";

import { useRef, useState } from "react";
import type { NotebookModel } from "../types";
import { postRaw } from "./raw-post";

type OnConflict = "copy" | "overwrite";

/**
 * Imports a .ipynb, named after the file; the server's schema error is shown as it is. A
 * name already in use asks: replace that notebook (its content stays as a revision) or
 * import a copy beside it.
 */
export function ImportNotebook({ onImported }: { onImported: (n: NotebookModel, replaced: boolean) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<{ name: string; text: string; file: string } | null>(null);

  async function send(name: string, text: string, fileName: string, onConflict?: OnConflict) {
    setBusy(true);
    setError("");
    setConflict(null);
    const query = new URLSearchParams({ name, ...(onConflict ? { on_conflict: onConflict } : {}) });
    const res = await postRaw<NotebookModel>(`/api/notebooks/import?${query}`, text);
    setBusy(false);
    if (input.current) input.current.value = "";
    if (!res.ok && res.error.status === 409 && res.error.field === "name") return setConflict({ name, text, file: fileName });
    if (!res.ok) return setError(`Could not import ${fileName}: ${res.error.message}`);
    onImported(res.data, onConflict === "overwrite");
  }

  async function onFile(file: File) {
    const name = file.name.replace(/\.ipynb$/i, "").trim() || "Imported notebook";
    await send(name, await file.text(), file.name);
  }

  return (
    <div className="field nb-import">
      <label htmlFor="nb-import">Import .ipynb</label>
      <input
        ref={input}
        id="nb-import"
        type="file"
        accept=".ipynb,application/x-ipynb+json,application/json"
        disabled={busy || conflict !== null}
        aria-describedby={error ? "nb-import-error" : undefined}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void onFile(f);
        }}
      />
      {busy ? <p className="hint" role="status">Importing…</p> : null}
      {conflict ? (
        <div role="group" aria-labelledby="nb-import-conflict" className="alert alert-warning nb-import-conflict">
          <p id="nb-import-conflict">You already have a notebook named “{conflict.name}”. Replace it with {conflict.file}, or import the file as a copy?</p>
          <p className="hint">Replacing keeps its current content as a revision you can restore.</p>
          <div style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem" }}>
            <button type="button" className="btn btn-danger" onClick={() => void send(conflict.name, conflict.text, conflict.file, "overwrite")}>Replace it</button>
            <button type="button" className="btn btn-primary" onClick={() => void send(conflict.name, conflict.text, conflict.file, "copy")}>Import as a copy</button>
            <button type="button" className="btn btn-secondary" onClick={() => setConflict(null)}>Cancel</button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p id="nb-import-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
