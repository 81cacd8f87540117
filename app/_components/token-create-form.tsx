"use client";

import { useState } from "react";
import { api, type ApiError, fieldMessage } from "./api";
import type { NewToken } from "./token-types";

const DAY = 24 * 3600;
const EXPIRY = [
  { label: "Never", value: "" },
  { label: "1 day", value: String(DAY) },
  { label: "7 days", value: String(7 * DAY) },
  { label: "30 days", value: String(30 * DAY) },
  { label: "90 days", value: String(90 * DAY) },
];

export function TokenCreateForm({ base, onCreated }: { base: string; onCreated: (t: NewToken) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const expires = String(f.get("expires_in") ?? "");
    setBusy(true);
    setError(null);
    const res = await api<NewToken>(base, {
      method: "POST",
      body: { note: String(f.get("note") ?? "").trim(), ...(expires ? { expires_in: Number(expires) } : {}) },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    form.reset();
    onCreated(res.data);
  }

  return (
    <form onSubmit={onSubmit} className="form form-inline" aria-label="Create a token">
      <div className={`field field-grow${error?.field === "note" ? " field-invalid" : ""}`}>
        <label htmlFor="token-note">Note</label>
        <input id="token-note" name="note" maxLength={1000} placeholder="What is this token for?" aria-invalid={error?.field === "note" || undefined} />
      </div>
      <div className="field">
        <label htmlFor="token-expiry">Expires</label>
        <select id="token-expiry" name="expires_in">
          {EXPIRY.map((o) => (
            <option key={o.label} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? "Creating…" : "Create token"}
      </button>
      {error ? (
        <p role="alert" className="alert alert-error form-wide">
          {error.field ? fieldMessage(error) : error.message}
        </p>
      ) : null}
    </form>
  );
}
