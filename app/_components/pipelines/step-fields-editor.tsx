"use client";

import { useId, useState } from "react";
import { type GraphEdge, STEP_NAME } from "./definition-edits";
import styles from "./graph-editor.module.css";
import { OutputsEditor } from "./outputs-editor";
import type { StepDefinition } from "./types";

type Params = StepDefinition["parameters"];
const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

function parseParameters(text: string): Params | string {
  let v: unknown;
  try {
    v = JSON.parse(text || "{}");
  } catch {
    return "Parameters are not valid JSON.";
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return 'Parameters are a JSON object: {"name": value}.';
  if (!Object.values(v).every(isScalar)) return "Each parameter is a string, a number, true, false or null.";
  return v as Params;
}

/**
 * The selected step's fields, applied to the edited definition as they change (its name when
 * the field is left, so the references follow once), and the connections into it, each removable.
 */
export function StepFieldsEditor({ step, taken, incoming, onChange, onRename, onOutputs, onRemoveEdge }: {
  step: StepDefinition;
  taken: string[];
  incoming: GraphEdge[];
  onChange: (change: Partial<Omit<StepDefinition, "name">>) => void;
  onRename: (to: string) => void;
  onOutputs: (outputs: StepDefinition["outputs"], renamed: Record<string, string | null>) => void;
  onRemoveEdge: (id: string) => void;
}) {
  const id = useId();
  const [name, setName] = useState(step.name);
  const [nameError, setNameError] = useState("");
  const [params, setParams] = useState(() => JSON.stringify(step.parameters));
  const parsed = parseParameters(params);
  const paramsError = typeof parsed === "string" ? parsed : "";
  const rename = () => {
    const n = name.trim();
    if (n === step.name) return setNameError("");
    if (!STEP_NAME.test(n)) return setNameError("A step name is 1-63 lower-case letters, digits, - or _, starting with a letter or digit.");
    if (taken.includes(n)) return setNameError(`There is a step named ${n} already.`);
    onRename(n);
  };
  const whole = (text: string, apply: (n: number) => void) => /^\d+$/.test(text) && apply(Number(text));
  return (
    <section className={styles.stepEditor} aria-labelledby={`${id}-title`} data-testid="step-fields-editor">
      <h3 id={`${id}-title`}>Step {step.name}</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>Step name</label>
        <input id={`${id}-name`} value={name} spellCheck={false} aria-describedby={`${id}-name-hint`}
          onChange={(e) => setName(e.target.value)} onBlur={rename} onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), rename())} />
        <p className="hint" id={`${id}-name-hint`}>Renamed when you leave the field; the steps reading it follow.</p>
        {nameError ? <p className="field-error" role="alert">{nameError}</p> : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-code`}>Code</label>
        <textarea id={`${id}-code`} className={styles.code} value={step.code} spellCheck={false} onChange={(e) => onChange({ code: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-image`}>Image</label>
        <input id={`${id}-image`} value={step.image ?? ""} placeholder="the default image" spellCheck={false} onChange={(e) => onChange({ image: e.target.value.trim() || undefined })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-params`}>Parameters (JSON)</label>
        <textarea id={`${id}-params`} className={styles.params} value={params} spellCheck={false} onChange={(e) => {
          setParams(e.target.value);
          const p = parseParameters(e.target.value);
          if (typeof p !== "string") onChange({ parameters: p });
        }} />
        {paramsError ? <p className="field-error" role="alert">{paramsError}</p> : null}
      </div>
      <OutputsEditor step={step} onChange={onOutputs} />
      <div className={styles.numbers}>
        <div className="field">
          <label htmlFor={`${id}-retries`}>Retries</label>
          <input id={`${id}-retries`} type="number" min={0} max={10} defaultValue={step.retries} onChange={(e) => whole(e.target.value, (retries) => onChange({ retries }))} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-timeout`}>Timeout (seconds)</label>
          <input id={`${id}-timeout`} type="number" min={1} defaultValue={step.timeout_s} onChange={(e) => whole(e.target.value, (timeout_s) => onChange({ timeout_s }))} />
        </div>
        <div className="field-check">
          <input id={`${id}-cache`} type="checkbox" checked={step.cache} onChange={(e) => onChange({ cache: e.target.checked })} />
          <label htmlFor={`${id}-cache`}>Reuse an identical earlier run (cache)</label>
        </div>
      </div>
      <h4>Connections into {step.name}</h4>
      {incoming.length === 0 ? <p className="hint">None: drag from another step&apos;s right handle to this one&apos;s left handle.</p> : null}
      <ul className={styles.incoming} data-testid="incoming-edges">
        {incoming.map((e) => (
          <li key={e.id}>
            <span>{e.kind === "data" ? `${e.from} → output ${e.output} as input ${e.input}` : `runs after ${e.from}`}</span>{" "}
            <button type="button" className="btn btn-secondary btn-small" aria-label={`Remove connection ${e.from} → ${e.to}${e.kind === "data" ? ` (input ${e.input})` : ""}`} onClick={() => onRemoveEdge(e.id)}>Remove</button>
          </li>
        ))}
      </ul>
      {Object.entries(step.inputs).some(([, i]) => "dataset" in i) ? (
        <p className="hint">Datasets read: {Object.entries(step.inputs).flatMap(([k, i]) => ("dataset" in i ? [`${k} ← ${i.dataset}${i.version ? ` v${i.version}` : ""}`] : [])).join(", ")} (edit them in the YAML definition).</p>
      ) : null}
    </section>
  );
}
