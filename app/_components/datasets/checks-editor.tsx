"use client";

import { useState } from "react";
import { api, fieldMessage } from "../api";
import styles from "./datasets.module.css";
import { type DatasetModel, refSegment } from "./types";

const EXAMPLE = `{
  "columns": {"sepal_length": "float", "species": "string"},
  "max_null_ratio": 0.05,
  "null_ratio": {"petal_width": 0.0},
  "ranges": {"sepal_length": [0, 10]},
  "rows": [1, 1000000]
}`;

/** The dataset's data checks as JSON; Kiln validates them and every new version is checked against them. */
export function ChecksEditor({ dataset, onSaved }: { dataset: DatasetModel; onSaved: (d: DatasetModel) => void }) {
  const [text, setText] = useState(Object.keys(dataset.checks).length ? JSON.stringify(dataset.checks, null, 2) : "");
  const [error, setError] = useState("");
  const [saved, setSaved] = useState(false);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    let checks: unknown = {};
    try {
      checks = text.trim() ? JSON.parse(text) : {};
    } catch (err) {
      return setError(`Not valid JSON: ${(err as Error).message}`);
    }
    const r = await api<DatasetModel>(`/api/datasets/${refSegment(dataset.owner, dataset.name)}`, { method: "PATCH", body: { checks } });
    if (!r.ok) return (setError(r.error.field ? `${r.error.field}: ${fieldMessage(r.error)}` : r.error.message), setSaved(false));
    setError("");
    setSaved(true);
    onSaved(r.data);
  }

  return (
    <form onSubmit={save} aria-label="Data checks">
      <div className={`field${error ? " field-invalid" : ""}`}>
        <label htmlFor="ds-checks">Checks (JSON), run on each new version&rsquo;s .csv and .tsv files</label>
        <textarea id="ds-checks" className={styles.checksText} value={text} placeholder={EXAMPLE} spellCheck={false}
          aria-invalid={error ? true : undefined} aria-describedby={error ? "ds-checks-error" : "ds-checks-hint"}
          onChange={(e) => (setText(e.target.value), setSaved(false))} />
        <p id="ds-checks-hint" className="hint">Empty: no checks. Types are int, float, string or bool; ratios are 0..1.</p>
        {error ? <p id="ds-checks-error" className="field-error" role="alert">{error}</p> : null}
      </div>
      <button type="submit" className="btn btn-secondary">Save checks</button>
      <span aria-live="polite" className="muted">{saved ? " Saved: the next version is checked against these." : ""}</span>
    </form>
  );
}
