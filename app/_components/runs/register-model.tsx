"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "../api";

/** "Register" next to a run's model: the next version of a model of the viewer's, by name. */
export function RegisterModel({ runId, artifact, suggested }: { runId: number; artifact: string; suggested: string }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(suggested);
  const [done, setDone] = useState<{ id: number; version: number } | null>(null);
  const [error, setError] = useState("");
  if (done) return <Link href={`/models/${done.id}`}>Registered as {name} v{done.version}</Link>;
  if (!open) return <button type="button" className="btn btn-secondary btn-small" onClick={() => setOpen(true)} aria-label={`Register ${artifact}`}>Register</button>;
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await api<{ id: number; registered: { version: number } }>("/api/models/versions", { method: "POST", body: { run_id: runId, artifact, name: name.trim() } });
        if (r.ok) setDone({ id: r.data.id, version: r.data.registered.version });
        else setError(r.error.message);
      }}
    >
      <label>
        Model name <input name="model-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </label>
      <button type="submit" className="btn btn-primary btn-small">Register version</button>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
    </form>
  );
}
