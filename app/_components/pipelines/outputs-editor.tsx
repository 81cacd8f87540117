"use client";

import { useRef, useState } from "react";
import { PY_NAME } from "./definition-edits";
import styles from "./graph-editor.module.css";
import type { OutputKind, StepDefinition } from "./types";

type Row = { key: number; name: string; kind: OutputKind };
const KINDS: OutputKind[] = ["dataset", "artifact", "model"];

/**
 * A step's outputs as a list of names and kinds. Each change that leaves every name a unique
 * Python identifier is applied at once, with the renames and removals (by row) so that the
 * inputs reading an output follow it.
 */
export function OutputsEditor({ step, onChange }: { step: StepDefinition; onChange: (outputs: StepDefinition["outputs"], renamed: Record<string, string | null>) => void }) {
  const [rows, setRows] = useState<Row[]>(() => Object.entries(step.outputs).map(([name, o], key) => ({ key, name, kind: o.kind })));
  const applied = useRef(new Map(rows.map((r) => [r.key, r.name])));
  const nextKey = useRef(rows.length);
  const names = rows.map((r) => r.name);
  const error = names.some((n) => !PY_NAME.test(n))
    ? "Each output's name is a Python identifier: letters, digits and _, not starting with a digit."
    : new Set(names).size < names.length ? "Two outputs have the same name." : "";
  const change = (next: Row[]) => {
    setRows(next);
    const ns = next.map((r) => r.name);
    if (ns.some((n) => !PY_NAME.test(n)) || new Set(ns).size < ns.length) return;
    const renamed: Record<string, string | null> = {};
    for (const [key, was] of applied.current) {
      const now = next.find((r) => r.key === key);
      if (!now) renamed[was] = null;
      else if (now.name !== was) renamed[was] = now.name;
    }
    applied.current = new Map(next.map((r) => [r.key, r.name]));
    onChange(Object.fromEntries(next.map((r) => [r.name, { kind: r.kind }])), renamed);
  };
  const edit = (key: number, patch: Partial<Row>) => change(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset className={styles.outputs}>
      <legend>Outputs</legend>
      {rows.length === 0 ? <p className="hint">None: steps that follow it can only run after it.</p> : null}
      <ul>
        {rows.map((r, i) => (
          <li key={r.key}>
            <input aria-label={`Output ${i + 1} name`} value={r.name} onChange={(e) => edit(r.key, { name: e.target.value })} spellCheck={false} />
            <select aria-label={`Output ${i + 1} kind`} value={r.kind} onChange={(e) => edit(r.key, { kind: e.target.value as OutputKind })}>
              {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
            </select>
            <button type="button" className="btn btn-secondary btn-small" aria-label={`Remove output ${r.name || i + 1}`} onClick={() => change(rows.filter((x) => x.key !== r.key))}>Remove</button>
          </li>
        ))}
      </ul>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      <button type="button" className="btn btn-secondary btn-small" onClick={() => change([...rows, { key: nextKey.current++, name: "", kind: "dataset" }])}>Add output</button>
    </fieldset>
  );
}
