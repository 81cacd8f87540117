"use client";

import { useEffect, useId, useRef, useState } from "react";
import { PY_NAME } from "./definition-edits";
import styles from "./graph-editor.module.css";
import type { StepDefinition } from "./types";

/** A new data edge: which of the source's outputs the target reads, and under which input name (by default the output's). */
export function ConnectDialog({ source, target, onConnect, onCancel }: {
  source: StepDefinition;
  target: StepDefinition;
  onConnect: (input: string, output: string) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const outputs = Object.keys(source.outputs);
  const [output, setOutput] = useState(outputs[0] ?? "");
  const [input, setInput] = useState(outputs[0] ?? "");
  const [error, setError] = useState("");
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const pick = (o: string) => {
    if (input === output) setInput(o); // the name followed the output: keep following
    setOutput(o);
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!PY_NAME.test(input)) return setError("An input's name is a Python identifier: letters, digits and _, not starting with a digit.");
    if (input in target.inputs) return setError(`Step ${target.name} already has an input named ${input}.`);
    onConnect(input, output);
  };
  return (
    <dialog ref={ref} className={styles.dialog} aria-labelledby={`${id}-title`} onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form onSubmit={submit}>
        <h3 id={`${id}-title`}>Connect {source.name} → {target.name}</h3>
        <div className="field">
          <label htmlFor={`${id}-output`}>Output of {source.name}</label>
          <select id={`${id}-output`} value={output} onChange={(e) => pick(e.target.value)}>
            {outputs.map((o) => <option key={o} value={o}>{o} ({source.outputs[o]!.kind})</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-input`}>Input name in {target.name}</label>
          <input id={`${id}-input`} value={input} onChange={(e) => (setInput(e.target.value), setError(""))} spellCheck={false} aria-describedby={`${id}-hint`} />
          <p className="hint" id={`${id}-hint`}>The step reads it as <code>kiln.input(&quot;{input || "…"}&quot;)</code>.</p>
        </div>
        {error ? <p className="field-error" role="alert">{error}</p> : null}
        <div className={styles.actions}>
          <button type="submit" className="btn btn-primary btn-small">Connect</button>
          <button type="button" className="btn btn-secondary btn-small" onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </dialog>
  );
}
