"use client";

import { useRef, useState } from "react";
import type { NotebookModel } from "../types";
import { postRaw } from "./raw-post";

/** Imports a .ipynb: named after the file; the server's schema error is shown as it is. */
export function ImportNotebook({ onImported }: { onImported: (n: NotebookModel) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function onFile(file: File) {
    setBusy(true);
    setError("");
    const name = file.name.replace(/\.ipynb$/i, "").trim() || "Imported notebook";
    const res = await postRaw<NotebookModel>(`/api/notebooks/import?name=${encodeURIComponent(name)}`, await file.text());
    setBusy(false);
    if (input.current) input.current.value = "";
    if (!res.ok) return setError(`Could not import ${file.name}: ${res.error.message}`);
    onImported(res.data);
  }

  return (
    <div className="field nb-import">
      <label htmlFor="nb-import">Import .ipynb</label>
      <input
        ref={input}
        id="nb-import"
        type="file"
        accept=".ipynb,application/x-ipynb+json,application/json"
        disabled={busy}
        aria-describedby={error ? "nb-import-error" : undefined}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void onFile(f);
        }}
      />
      {busy ? <p className="hint" role="status">Importing…</p> : null}
      {error ? (
        <p id="nb-import-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
