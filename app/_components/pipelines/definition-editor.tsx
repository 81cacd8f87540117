"use client";

import { useState } from "react";
import { stringify } from "yaml";
import { api, fieldMessage } from "../api";
import styles from "./pipelines.module.css";
import type { PipelineDetail } from "./types";

/** The definition as YAML, edited whole: saving makes the next version (the API's checks, its errors shown). */
export function DefinitionEditor({ p, onSaved }: { p: PipelineDetail; onSaved: () => void }) {
  const [text, setText] = useState(() => stringify(p.definition));
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await api<PipelineDetail>(`/api/pipelines/${p.id}`, { method: "PUT", body: { definition: text } });
    setBusy(false);
    if (r.ok) onSaved();
    else setError(`${r.error.field ? `${r.error.field}: ` : ""}${fieldMessage(r.error)}`);
  };
  return (
    <form onSubmit={save}>
      <div className="field">
        <label htmlFor="pipeline-yaml">Definition (YAML){p.version !== p.versions.at(-1)?.version ? `, from version ${p.version}` : ""}</label>
        <textarea id="pipeline-yaml" className={styles.yaml} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <button type="submit" className="btn btn-primary btn-small" disabled={busy}>{busy ? "Saving…" : "Save as a new version"}</button>
    </form>
  );
}
