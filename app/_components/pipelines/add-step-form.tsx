"use client";

import { useId, useState } from "react";
import { newStep, STEP_NAME } from "./definition-edits";
import styles from "./graph-editor.module.css";
import type { StepDefinition } from "./types";

/** A new step on the canvas: its name, its code, and an image when not the default one. */
export function AddStepForm({ taken, onAdd, onCancel }: { taken: string[]; onAdd: (step: StepDefinition) => void; onCancel: () => void }) {
  const id = useId();
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [image, setImage] = useState("");
  const [error, setError] = useState("");
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!STEP_NAME.test(n)) return setError("A step name is 1-63 lower-case letters, digits, - or _, starting with a letter or digit.");
    if (taken.includes(n)) return setError(`There is a step named ${n} already.`);
    if (!code.trim()) return setError("A step needs some code.");
    onAdd(newStep(n, code, image.trim() || undefined));
  };
  return (
    <form className={styles.addStep} onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a step</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>New step name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-code`}>New step code</label>
        <textarea id={`${id}-code`} className={styles.code} value={code} onChange={(e) => setCode(e.target.value)} spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-image`}>New step image (optional)</label>
        <input id={`${id}-image`} value={image} onChange={(e) => setImage(e.target.value)} placeholder="the default image" spellCheck={false} />
      </div>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      <div className={styles.actions}>
        <button type="submit" className="btn btn-primary btn-small">Add step</button>
        <button type="button" className="btn btn-secondary btn-small" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
