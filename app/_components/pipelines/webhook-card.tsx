"use client";

import { useState } from "react";
import { api, fieldMessage } from "../api";

/** Where each run's end is POSTed; a new URL gets a new signing secret, shown here once. */
export function WebhookCard({ pipelineId }: { pipelineId: number }) {
  const [url, setUrl] = useState("");
  const [saved, setSaved] = useState<{ url: string | null; secret: string | null } | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const put = async (to: string | null) => {
    setBusy(true);
    const r = await api<{ url: string | null; secret: string | null }>(`/api/pipelines/${pipelineId}/webhook`, { method: "PUT", body: { url: to } });
    setBusy(false);
    setError(r.ok ? "" : `${r.error.field ? `${r.error.field}: ` : ""}${fieldMessage(r.error)}`);
    if (r.ok) {
      setSaved(r.data);
      if (to === null) setUrl("");
    }
  };
  return (
    <section className="card" aria-labelledby="webhook-heading">
      <h2 id="webhook-heading">Webhook</h2>
      <p className="muted">Kiln POSTs each run&apos;s end (its status, steps and outputs) to this URL. Saving a URL replaces the one set before, with a new secret.</p>
      <form onSubmit={(e) => (e.preventDefault(), void put(url))} className="form-inline">
        <div className="field field-grow">
          <label htmlFor="webhook-url">URL</label>
          <input id="webhook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks/kiln" required />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>Save webhook</button>
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void put(null)}>Clear webhook</button>
      </form>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {saved?.secret ? (
        <div className="alert alert-success" role="status" data-testid="webhook-secret">
          <p><strong>Webhook saved.</strong> Copy its secret now: it will not be shown again.</p>
          <div className="copy-row">
            <label htmlFor="webhook-secret" className="visually-hidden">Signing secret</label>
            <input id="webhook-secret" readOnly value={saved.secret} className="mono" onFocus={(e) => e.currentTarget.select()} />
          </div>
          <p className="hint">Each POST carries <code>X-Kiln-Signature: sha256=…</code>, the hex HMAC-SHA256 of the request body under this secret: check it before trusting the call.</p>
        </div>
      ) : null}
      {saved && !saved.url ? <div className="alert alert-success" role="status">Webhook cleared: runs are no longer posted anywhere.</div> : null}
    </section>
  );
}
