"use client";

import Link from "next/link";
import { useState } from "react";
import { api, fieldMessage } from "../api";
import type { ModelDetail } from "../models/types";
import { TokenOnce } from "./token-once";
import { endpointPage, type EndpointDetail } from "./types";

/** Serves a version (or an alias's version, read now) of this model; shows the new endpoint's token once. */
export function ServeForm({ model, onServed }: { model: ModelDetail; onServed: () => void }) {
  const [name, setName] = useState(model.name);
  const [version, setVersion] = useState(model.aliases.production != null ? "production" : String(model.version_list[0]?.version ?? ""));
  const [isPublic, setPublic] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [served, setServed] = useState<{ name: string; token: string } | null>(null);
  return (
    <>
      <form
        className="form-inline"
        aria-label="Serve this model"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const v = version.trim();
          const r = await api<EndpointDetail & { token: string }>("/api/endpoints", {
            method: "POST",
            body: { name: name.trim(), model_id: model.id, version: /^\d+$/.test(v) ? Number(v) : v, public: isPublic },
          });
          setBusy(false);
          if (!r.ok) return setError(fieldMessage(r.error));
          setError("");
          setServed({ name: r.data.name, token: r.data.token });
          onServed();
        }}
      >
        <div className="field field-grow">
          <label htmlFor="serve-name">Endpoint name</label>
          <input id="serve-name" name="endpoint" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" />
        </div>
        <div className="field field-number">
          <label htmlFor="serve-version">Version or alias</label>
          <input id="serve-version" name="serve-version" value={version} onChange={(e) => setVersion(e.target.value)} required maxLength={50} list="serve-version-options" />
          <datalist id="serve-version-options">
            {Object.keys(model.aliases).map((a) => <option key={a} value={a} />)}
            {model.version_list.map((v) => <option key={v.version} value={v.version} />)}
          </datalist>
        </div>
        <div className="field-check">
          <input id="serve-public" type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} />
          <label htmlFor="serve-public">Public (anyone may call it, no token)</label>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>Serve</button>
      </form>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
      {served ? (
        <TokenOnce endpoint={served.name} token={served.token}>
          <p>
            <Link href={endpointPage(served.name)}>Open endpoint {served.name}</Link> to try it, route traffic and watch it live.
          </p>
        </TokenOnce>
      ) : null}
    </>
  );
}
