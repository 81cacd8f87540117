"use client";

import { useEffect, useState } from "react";
import styles from "./endpoints.module.css";
import type { EndpointDetail } from "./types";

interface Answer {
  status: number;
  ms: number;
  text: string;
}

/**
 * Sends a request to the endpoint as a caller would, from this browser: the session cookie
 * is no endpoint token, so a private endpoint needs the token its owner was shown. The
 * latency is measured here, network included.
 */
export function TryIt({ endpoint, example, onSent }: { endpoint: EndpointDetail; example: string; onSent: () => void }) {
  const [body, setBody] = useState(example);
  const [token, setToken] = useState("");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setBody((b) => b || example), [example]);

  async function send() {
    setBusy(true);
    const started = performance.now();
    let result: Answer;
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token.trim() ? { authorization: `Bearer ${token.trim()}` } : {}) },
        body,
        credentials: "omit", // what a caller has: no Kiln session
        cache: "no-store",
      });
      const text = await res.text();
      const ms = performance.now() - started;
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        /* not JSON: shown as it came */
      }
      result = { status: res.status, ms, text: pretty };
    } catch {
      result = { status: 0, ms: performance.now() - started, text: "Could not reach Kiln." };
    }
    setAnswer(result);
    setBusy(false);
    onSent();
  }

  return (
    <section className="card" aria-labelledby="try-heading">
      <h2 id="try-heading">Try it</h2>
      <form className="form" onSubmit={(e) => (e.preventDefault(), void send())}>
        <div className="field">
          <label htmlFor="try-body">Request body (JSON)</label>
          <textarea id="try-body" className={styles.body} rows={8} value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} />
          <p className="hint">Prefilled from the serving version&rsquo;s signature: <code>rows</code> of columns, or named <code>inputs</code>.</p>
        </div>
        {endpoint.public ? null : (
          <div className="field">
            <label htmlFor="try-token">Endpoint token</label>
            <input id="try-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} className="mono" />
            <p className="hint">This endpoint is private. Your Kiln sign-in does not call it: paste the token you were shown when it was served (or make a new one below).</p>
          </div>
        )}
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Sending…" : "Send"}</button>
        </div>
      </form>
      {answer ? (
        <div aria-live="polite">
          <p data-testid="try-status">
            HTTP <strong>{answer.status || "—"}</strong> in <strong>{answer.ms.toFixed(1)} ms</strong> <span className="muted">(measured in this browser)</span>
          </p>
          <pre className={`mono ${styles.answer}`} data-testid="try-answer">{answer.text}</pre>
        </div>
      ) : null}
    </section>
  );
}
