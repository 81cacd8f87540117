"use client";

import { useState } from "react";
import { api, fieldMessage } from "../../api";
import { Field } from "../../field";
import type { NotebookModel } from "../types";

/** Creates an empty notebook by name; the list shows it at the top. */
export function NewNotebookForm({ onCreated }: { onCreated: (n: NotebookModel) => void }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim();
    if (!name) return setError("Give the notebook a name.");
    setBusy(true);
    setError("");
    const res = await api<NotebookModel>("/api/notebooks", { method: "POST", body: { name } });
    setBusy(false);
    if (!res.ok) return setError(fieldMessage(res.error));
    form.reset();
    onCreated(res.data);
  }

  return (
    <form className="form-inline nb-create" onSubmit={onSubmit} noValidate aria-label="New notebook">
      <Field id="nb-new-name" name="name" label="Notebook name" placeholder="e.g. churn-model" maxLength={200} autoComplete="off" className="field-grow" error={error || undefined} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? "Creating…" : "Create notebook"}
      </button>
    </form>
  );
}
