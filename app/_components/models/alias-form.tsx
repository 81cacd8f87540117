"use client";

import { useState } from "react";
import { api } from "../api";
import type { ModelDetail } from "./types";

/** Points an alias at a version (made, or moved at once: endpoints that follow it switch). */
export function AliasForm({ model, onChanged }: { model: ModelDetail; onChanged: (m: ModelDetail) => void }) {
  const [alias, setAlias] = useState("production");
  const [version, setVersion] = useState(String(model.version_list[0]?.version ?? 1));
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const r = await api<ModelDetail>(`/api/models/${model.id}/aliases/${encodeURIComponent(alias.trim())}`, { method: "PUT", body: { version: Number(version) } });
        setBusy(false);
        if (r.ok) {
          setError("");
          onChanged(r.data);
        } else setError(r.error.message);
      }}
    >
      <label>
        Alias <input name="alias" value={alias} onChange={(e) => setAlias(e.target.value)} required maxLength={50} />
      </label>
      <label>
        Version{" "}
        <select name="version" value={version} onChange={(e) => setVersion(e.target.value)}>
          {model.version_list.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}
        </select>
      </label>
      <button type="submit" className="btn btn-primary btn-small" disabled={busy}>Set alias</button>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
    </form>
  );
}
