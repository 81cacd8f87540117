"use client";

import { useState } from "react";
import { PARAMETERS_TAG, tagsOf, withTags } from "./cell-metadata";
import type { CellModel } from "./store";
import { useCell, useController, useSelected } from "./use-store";

/** Kiln's own key (which execution the outputs came from): kept as it is, not offered for editing. */
const OWN = "kiln";

/** The selected cell's tags and metadata, as JupyterLab's property inspector edits them. */
export function CellInspector({ onClose }: { onClose: () => void }) {
  const c = useController();
  const { id } = useSelected(c.store);
  const cell = useCell(c.store, id ?? "");
  return (
    <aside id="nb-side" className="card nb-side" aria-labelledby="nb-cell-heading">
      <div className="section-head">
        <h2 id="nb-cell-heading">Cell tags &amp; metadata</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={onClose}>Close</button>
      </div>
      {cell ? <CellFields key={`${cell.id}:${JSON.stringify(cell.metadata)}`} cell={cell} /> : <p className="muted">Select a cell.</p>}
    </aside>
  );
}

function CellFields({ cell }: { cell: CellModel }) {
  const c = useController();
  const tags = tagsOf(cell.metadata);
  const [tag, setTag] = useState("");
  const editable = Object.fromEntries(Object.entries(cell.metadata).filter(([k]) => k !== OWN));
  const [json, setJson] = useState(() => JSON.stringify(editable, null, 2));
  const [error, setError] = useState("");
  // (a change remounts these fields, keyed by the metadata: the JSON shown is always the cell's)
  const setTags = (next: string[]) => c.setMetadata(cell.id, withTags(cell.metadata, next));
  const addTag = () => {
    const t = tag.trim();
    if (!t) return;
    if (/\s|,/.test(t)) return setError("A tag is one word: no spaces or commas");
    setTags([...tags, t]);
  };
  const apply = () => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      return setError(`Not valid JSON: ${(e as Error).message}`);
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) return setError("The metadata must be a JSON object");
    setError("");
    const own = cell.metadata[OWN];
    c.setMetadata(cell.id, own === undefined ? (value as Record<string, unknown>) : { ...(value as Record<string, unknown>), [OWN]: own });
  };

  return (
    <div className="nb-inspector">
      <section aria-labelledby="nb-tags-heading">
        <h3 id="nb-tags-heading">Tags</h3>
        <ul className="nb-tag-list">
          {tags.map((t) => (
            <li key={t} className={`nb-tag${t === PARAMETERS_TAG ? " nb-tag-parameters" : ""}`}>
              {t}
              <button type="button" className="nb-tag-remove" aria-label={`Remove tag ${t}`} title={`Remove tag ${t}`} onClick={() => setTags(tags.filter((x) => x !== t))}>×</button>
            </li>
          ))}
        </ul>
        <div className="nb-tag-add">
          <label htmlFor="nb-new-tag" className="visually-hidden">New tag</label>
          <input id="nb-new-tag" value={tag} placeholder="Add a tag" onChange={(e) => setTag(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), addTag())} />
          <button type="button" className="btn btn-secondary btn-small" onClick={addTag}>Add tag</button>
        </div>
        {cell.type === "code" && !tags.includes(PARAMETERS_TAG) ? (
          <button type="button" className="btn btn-secondary btn-small" title="Run as experiment sets this cell's values" onClick={() => setTags([...tags, PARAMETERS_TAG])}>
            Make this the parameters cell
          </button>
        ) : null}
      </section>
      <section aria-labelledby="nb-meta-heading">
        <h3 id="nb-meta-heading">
          <label htmlFor="nb-meta-json">Metadata (JSON)</label>
        </h3>
        <textarea id="nb-meta-json" className="nb-meta-json" rows={10} spellCheck={false} value={json} onChange={(e) => setJson(e.target.value)} />
        <button type="button" className="btn btn-primary btn-small" onClick={apply}>Apply metadata</button>
      </section>
      {error ? <p role="alert" className="field-error">{error}</p> : null}
    </div>
  );
}
