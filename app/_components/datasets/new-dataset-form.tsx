"use client";

import { useState } from "react";
import { api, fieldMessage } from "../api";
import { Field } from "../field";
import type { DatasetModel } from "./types";

/** Creates an empty dataset (its checks can be declared on its page before the first upload). */
export function NewDatasetForm({ onCreated }: { onCreated: (d: DatasetModel) => void }) {
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    if (!name) return setError({ field: "name", message: "Give the dataset a name." });
    setBusy(true);
    setError(null);
    const res = await api<DatasetModel>("/api/datasets", { method: "POST", body: { name, description: String(data.get("description") ?? "").trim() } });
    setBusy(false);
    if (!res.ok) return setError({ field: res.error.field, message: fieldMessage(res.error) });
    form.reset();
    onCreated(res.data);
  }

  return (
    <form className="form-inline" onSubmit={onSubmit} noValidate aria-label="New dataset">
      <Field id="ds-new-name" name="name" label="Name" placeholder="e.g. churn-events" maxLength={100} autoComplete="off" spellCheck={false}
        error={error && error.field !== "description" ? error.message : undefined} />
      <Field id="ds-new-description" name="description" label="Description (optional)" maxLength={10_000} autoComplete="off" className="field-grow"
        error={error?.field === "description" ? error.message : undefined} />
      <button type="submit" className="btn btn-secondary" disabled={busy}>
        {busy ? "Creating…" : "Create dataset"}
      </button>
    </form>
  );
}
