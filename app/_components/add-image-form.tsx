"use client";

import { useState } from "react";
import { api, type ApiError, fieldMessage } from "./api";
import { Field } from "./field";

const NUMBERS: [name: string, label: string, step: number, min: number][] = [
  ["default_cpu", "Default CPUs", 0.5, 0.5],
  ["max_cpu", "Max CPUs", 0.5, 0.5],
  ["default_memory_mb", "Default memory (MB)", 1, 1],
  ["max_memory_mb", "Max memory (MB)", 1, 1],
  ["max_gpus", "Max GPUs", 1, 0],
];
const FIELDS = ["name", "reference", "description", ...NUMBERS.map((n) => n[0])];

/** Adds an image to the catalog. */
export function AddImageForm({ onCreated }: { onCreated: (name: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // The image name travels in the path, so the API calls a bad one "image".
  const at = error ? (error.field === "image" ? "name" : error.field) : undefined;
  const fieldError = (f: string) => (error && at === f ? fieldMessage(error) : undefined);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    const name = text("name");
    setError(null);
    if (!name) return setError({ status: 400, code: "invalid_request", field: "name", message: "Give the image a name" });
    const body: Record<string, unknown> = { reference: text("reference"), description: text("description") };
    for (const [k] of NUMBERS) if (text(k) !== "") body[k] = Number(text(k));
    setBusy(true);
    const res = await api(`/api/images/${encodeURIComponent(name)}`, { method: "POST", body });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    form.reset();
    onCreated(name);
  }

  const general = error && !FIELDS.includes(at ?? "") ? error.message : "";
  return (
    <form onSubmit={onSubmit} className="form subform" aria-labelledby="add-image-heading" noValidate>
      <h3 id="add-image-heading">Add image</h3>
      {general ? <div role="alert" className="alert alert-error">{general}</div> : null}
      <div className="form-inline">
        <Field id="add-image-name" name="name" label="Image name" required autoCapitalize="none" spellCheck={false} maxLength={63}
          error={fieldError("name")} />
        <Field id="add-image-reference" name="reference" label="Docker reference" required placeholder="registry/image:tag"
          autoCapitalize="none" spellCheck={false} className="field-grow" error={fieldError("reference")} />
        <Field id="add-image-description" name="description" label="Description (optional)" maxLength={1000} className="form-wide"
          error={fieldError("description")} />
        {NUMBERS.map(([k, label, step, min]) => (
          <Field key={k} id={`add-image-${k}`} name={k} label={label} type="number" step={step} min={min} required={k !== "max_gpus"}
            placeholder={k === "max_gpus" ? "0" : undefined} className="field-number" error={fieldError(k)} />
        ))}
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Adding…" : "Add image"}</button>
      </div>
    </form>
  );
}
