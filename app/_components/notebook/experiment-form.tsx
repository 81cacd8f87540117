"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { type Parameter, parametersOf, tryPythonLiteral } from "@/lib/notebooks/parameters-cell";
import { api } from "../api";
import { PARAMETERS_TAG, tagsOf } from "./cell-metadata";
import { Modal } from "./dialogs";
import { useController } from "./use-store";

/** The first cell tagged `parameters`, where papermill (and Kiln) looks for a notebook's defaults. */
function parametersCell(c: ReturnType<typeof useController>) {
  const id = c.store.order.find((x) => tagsOf(c.store.cell(x)!.metadata).includes(PARAMETERS_TAG));
  return id ? c.store.cell(id)! : null;
}

/** What the field shows for a default: the value itself, or Python source for the literals typed as such. */
const asText = (p: Parameter) => (p.type === "str" || p.type === "int" || p.type === "float" ? String(p.value) : p.source);

/** The field's text as the JSON value sent, by the default's type; an error message when it is not one. */
function valueOf(p: Parameter, text: string, checked: boolean): { value: unknown } | { error: string } {
  if (p.type === "bool") return { value: checked };
  if (p.type === "str") return { value: text };
  if (p.type === "int") return /^[+-]?\d+$/.test(text.trim()) ? { value: Number(text) } : { error: `${p.name}: a whole number` };
  if (p.type === "float") return text.trim() !== "" && Number.isFinite(Number(text)) ? { value: Number(text) } : { error: `${p.name}: a number` };
  const lit = tryPythonLiteral(text);
  return lit ? { value: lit.value } : { error: `${p.name}: a Python literal (a number, 'text', True, None, [a list], {a: dict})` };
}

/** Saves, starts the run with these values, and opens its page; the API's message when it cannot. */
async function startRun(c: ReturnType<typeof useController>, router: ReturnType<typeof useRouter>, params: Record<string, unknown>): Promise<string | null> {
  await c.saver.save(); // the run takes the saved notebook
  const res = await api<{ id: number }>(`${c.path}/runs`, { method: "POST", body: { params } });
  if (!res.ok) return res.error.message;
  router.push(`/experiments/${res.data.id}`);
  return null;
}

/**
 * "Run as experiment": the whole saved notebook in a fresh kernel, recorded as a run. With
 * a parameters cell, a form shows its values, typed from their literals; the ones changed
 * are injected after that cell (papermill's convention), the others run as written.
 * Without one there is nothing to ask: it starts at once.
 */
export function ExperimentButton() {
  const c = useController();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function click() {
    setError("");
    const cell = parametersCell(c);
    if (cell && parametersOf(cell.source).length) return setOpen(true);
    setBusy(true);
    setError((await startRun(c, router, {})) ?? "");
    setBusy(false);
  }
  return (
    <span className="run-start">
      <button type="button" className="btn btn-secondary btn-small" disabled={busy} title="Run the saved notebook top to bottom in a fresh kernel, recorded as a run"
        onClick={() => void click()}>
        {busy ? "Starting…" : "Run as experiment"}
      </button>
      <Link className="btn btn-secondary btn-small" href={`/experiments?notebook_id=${c.notebookId}`}>Runs</Link>
      {error ? <span role="alert" className="alert alert-error run-start-error">{error}</span> : null}
      {open ? <ExperimentForm onClose={() => setOpen(false)} /> : null}
    </span>
  );
}

function ExperimentForm({ onClose }: { onClose: () => void }) {
  const c = useController();
  const router = useRouter();
  const [cell] = useState(() => parametersCell(c));
  const [params] = useState(() => (cell ? parametersOf(cell.source) : []));
  const [texts, setTexts] = useState(() => Object.fromEntries(params.map((p) => [p.name, asText(p)])));
  const [checks, setChecks] = useState(() => Object.fromEntries(params.map((p) => [p.name, p.value === true])));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const changed: Record<string, unknown> = {};
    for (const p of params) {
      if (p.type === "expression") continue;
      const v = valueOf(p, texts[p.name] ?? "", checks[p.name] ?? false);
      if ("error" in v) return setError(v.error);
      if (JSON.stringify(v.value) !== JSON.stringify(p.value)) changed[p.name] = v.value;
    }
    setBusy(true);
    setError("");
    setError((await startRun(c, router, changed)) ?? "");
    setBusy(false);
  }

  return (
    <Modal label="Run as experiment" onClose={onClose}>
      <form className="nb-experiment" onSubmit={(e) => void submit(e)}>
        <h2>Run as experiment</h2>
        <p className="muted">
          The saved notebook runs top to bottom in a fresh kernel, recorded as a run. Values you change are set right after the
          parameters cell; the others run as written.
        </p>
        {params.map((p) => (
          <div key={p.name} className="field nb-param">
            {p.type === "bool" ? (
              <label className="checkbox">
                <input type="checkbox" checked={checks[p.name] ?? false} onChange={(e) => setChecks({ ...checks, [p.name]: e.target.checked })} /> {p.name}
              </label>
            ) : (
              <>
                <label htmlFor={`nb-param-${p.name}`}>
                  {p.name} <span className="muted">{p.type === "expression" ? "expression, runs as written" : p.type}</span>
                </label>
                <input id={`nb-param-${p.name}`} name={p.name} className={p.type === "str" ? undefined : "mono"} readOnly={p.type === "expression"}
                  inputMode={p.type === "int" ? "numeric" : p.type === "float" ? "decimal" : undefined}
                  value={texts[p.name] ?? ""} onChange={(e) => setTexts({ ...texts, [p.name]: e.target.value })} />
              </>
            )}
          </div>
        ))}
        {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
        <div className="form-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Starting…" : "Run"}</button>
        </div>
      </form>
    </Modal>
  );
}
