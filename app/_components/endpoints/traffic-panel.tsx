"use client";

import { useState } from "react";
import { api, fieldMessage } from "../api";
import styles from "./endpoints.module.css";
import { splitText, type EndpointDetail } from "./types";

type Mode = "one" | "canary";

/**
 * The current split and the two changes people make: all traffic to one version (a swap,
 * or a rollback to an older one) or a canary (a stable version and a new one with a
 * share). Kiln loads the new versions before routing to them, so neither drops a request.
 */
export function TrafficPanel({ endpoint: e, versions, onChanged }: { endpoint: EndpointDetail; versions: number[]; onChanged: (e: EndpointDetail) => void }) {
  const serving = e.traffic[0]?.version ?? versions[0] ?? 1;
  const newest = versions.find((v) => v !== serving) ?? serving;
  const [mode, setMode] = useState<Mode>("one");
  const [target, setTarget] = useState(String(serving));
  const [stable, setStable] = useState(String(serving));
  const [canary, setCanary] = useState(String(newest));
  const [share, setShare] = useState("10");
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function change(path: string, method: string, body: unknown) {
    setBusy(true);
    const r = await api<EndpointDetail>(path, { method, body });
    setBusy(false);
    if (!r.ok) return setError(fieldMessage(r.error));
    setError("");
    onChanged(r.data);
  }
  const base = `/api/endpoints/${encodeURIComponent(e.name)}`;
  const pct = Number(share);
  const traffic = mode === "one" ? [{ version: Number(target), weight: 100 }] : [{ version: Number(stable), weight: 100 - pct }, { version: Number(canary), weight: pct }];
  const options = versions.map((v) => <option key={v} value={v}>v{v}</option>);

  return (
    <section className="card" aria-labelledby="traffic-heading">
      <div className="section-head">
        <h2 id="traffic-heading">Traffic</h2>
        <button type="button" className={`btn btn-small ${e.state === "running" ? "btn-danger" : "btn-primary"}`} disabled={busy}
          onClick={() => change(base, "PATCH", { state: e.state === "running" ? "stopped" : "running" })}>
          {e.state === "running" ? "Stop endpoint" : "Start endpoint"}
        </button>
      </div>
      <p>
        Now: <strong data-testid="traffic-split">{splitText(e.traffic)}</strong>
        {e.state === "stopped" ? <span className="muted"> (stopped: requests are answered 503)</span> : null}
      </p>
      <form className="form" aria-label="Change traffic" onSubmit={(ev) => (ev.preventDefault(), void change(`${base}/traffic`, "PUT", { traffic, ...(reason.trim() ? { reason: reason.trim() } : {}) }))}>
        <fieldset className={`form-inline ${styles.modes}`}>
          <legend className="visually-hidden">Kind of change</legend>
          <div className="field-check">
            <input id="traffic-one" type="radio" name="traffic-mode" checked={mode === "one"} onChange={() => setMode("one")} />
            <label htmlFor="traffic-one">One version (swap or roll back)</label>
          </div>
          <div className="field-check">
            <input id="traffic-canary" type="radio" name="traffic-mode" checked={mode === "canary"} onChange={() => setMode("canary")} />
            <label htmlFor="traffic-canary">Canary (two versions)</label>
          </div>
        </fieldset>
        {mode === "one" ? (
          <div className="form-inline">
            <div className="field field-number">
              <label htmlFor="traffic-target">Version at 100%</label>
              <select id="traffic-target" value={target} onChange={(ev) => setTarget(ev.target.value)}>{options}</select>
            </div>
          </div>
        ) : (
          <div className="form-inline">
            <div className="field field-number">
              <label htmlFor="traffic-stable">Stable version</label>
              <select id="traffic-stable" value={stable} onChange={(ev) => setStable(ev.target.value)}>{options}</select>
            </div>
            <div className="field field-number">
              <label htmlFor="traffic-canary-version">Canary version</label>
              <select id="traffic-canary-version" value={canary} onChange={(ev) => setCanary(ev.target.value)}>{options}</select>
            </div>
            <div className="field field-number">
              <label htmlFor="traffic-share">Canary share (%)</label>
              <input id="traffic-share" type="number" min={1} max={99} required value={share} onChange={(ev) => setShare(ev.target.value)} />
            </div>
          </div>
        )}
        <div className="form-inline">
          <div className="field field-grow">
            <label htmlFor="traffic-reason">Reason (kept in the history)</label>
            <input id="traffic-reason" value={reason} maxLength={1000} onChange={(ev) => setReason(ev.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy}>Set traffic</button>
        </div>
      </form>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
    </section>
  );
}
