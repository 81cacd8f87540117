"use client";

import { useState } from "react";
import { api, type ApiError, fieldMessage } from "./api";
import { parseScopes, presetOf, SCOPE_PRESETS } from "./token-scopes";
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
  const [scopes, setScopes] = useState("");

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const expires = String(f.get("expires_in") ?? "");
    const asked = parseScopes(scopes);
    setBusy(true);
    setError(null);
    const res = await api<NewToken>(base, {
      method: "POST",
      body: { note: String(f.get("note") ?? "").trim(), ...(expires ? { expires_in: Number(expires) } : {}), ...(asked.length ? { scopes: asked } : {}) },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    form.reset();
    setScopes("");
    onCreated(res.data);
  }

  const invalid = (field: string) => error?.field === field || error?.field?.startsWith(`${field}.`);
  return (
    <form onSubmit={onSubmit} className="form form-inline" aria-label="Create a token">
      <div className={`field field-grow${invalid("note") ? " field-invalid" : ""}`}>
        <label htmlFor="token-note">Note</label>
        <input id="token-note" name="note" maxLength={1000} placeholder="What is this token for?" aria-invalid={invalid("note") || undefined} />
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
      <div className="field">
        <label htmlFor="token-access">Access</label>
        <select
          id="token-access"
          value={presetOf(scopes)}
          onChange={(e) => setScopes(SCOPE_PRESETS.find((p) => p.id === e.target.value)?.scopes.join(" ") ?? scopes)}
        >
          {SCOPE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom scopes</option>
        </select>
      </div>
      <div className={`field field-grow form-wide${invalid("scopes") ? " field-invalid" : ""}`}>
        <label htmlFor="token-scopes">Scopes</label>
        <input
          id="token-scopes"
          className="mono"
          value={scopes}
          onChange={(e) => setScopes(e.target.value)}
          placeholder="Empty: everything you can do. e.g. read:notebooks access:servers!user"
          aria-describedby="token-scopes-hint"
          aria-invalid={invalid("scopes") || undefined}
        />
        <p id="token-scopes-hint" className="hint">
          JupyterHub&rsquo;s scopes, separated by spaces; <code>!user</code> means you. A token can only do what you can.{" "}
          <a href="/api/openapi.json">Every scope and what it reaches</a>.
        </p>
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
