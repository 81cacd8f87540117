"use client";

import { useState } from "react";
import { api, type ApiError, fieldMessage, userPath } from "./api";
import { Field } from "./field";

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function AddUserForm({ onCreated }: { onCreated: (name: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fieldError = (f: string) => (error?.field === f ? fieldMessage(error) : undefined);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const name = String(f.get("name") ?? "").trim();
    const email = String(f.get("email") ?? "").trim();
    setError(null);
    if (!NAME.test(name)) {
      return setError({ status: 400, code: "invalid_request", field: "name",
        message: "User names are 1-63 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit." });
    }
    setBusy(true);
    const res = await api(userPath(name), { method: "POST", body: { admin: f.get("admin") === "on", ...(email ? { email } : {}) } });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    form.reset();
    onCreated(name);
  }

  const general = error && error.field !== "name" && error.field !== "email" ? error.message : "";
  return (
    <form onSubmit={onSubmit} className="form subform" aria-labelledby="add-user-heading" noValidate>
      <h3 id="add-user-heading">Add user</h3>
      <p className="hint">
        Added users have no password: they sign in with single sign-on using this email, or use API tokens an admin creates for them. To let a person choose a password, send an invitation instead.
      </p>
      {general ? (
        <div role="alert" className="alert alert-error">
          {general}
        </div>
      ) : null}
      <div className="form-inline">
        <Field id="add-user-name" name="name" label="User name" required autoCapitalize="none" spellCheck={false} maxLength={63}
          className="field-grow" error={fieldError("name")} />
        <Field id="add-user-email" name="email" label="Email (optional)" type="email" className="field-grow" error={fieldError("email")} />
        <div className="field field-check">
          <input id="add-user-admin" name="admin" type="checkbox" />
          <label htmlFor="add-user-admin">Admin</label>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Adding…" : "Add user"}
        </button>
      </div>
    </form>
  );
}
