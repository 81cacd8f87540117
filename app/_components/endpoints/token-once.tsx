"use client";

import { useRef, useState } from "react";

/** An endpoint token, the one time Kiln shows it (only its hash is kept). */
export function TokenOnce({ endpoint, token, children }: { endpoint: string; token: string; children?: React.ReactNode }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"" | "yes" | "no">("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setCopied("yes");
    } catch {
      input.current?.select();
      setCopied("no");
    }
  }
  return (
    <div className="alert alert-success new-token" role="status" data-testid="endpoint-token">
      <p>
        <strong>Token of endpoint {endpoint}.</strong> Copy it now: it will not be shown again. Callers send it as{" "}
        <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <div className="copy-row">
        <label htmlFor="endpoint-token-value" className="visually-hidden">Endpoint token</label>
        <input id="endpoint-token-value" ref={input} readOnly value={token} className="mono" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn btn-primary" onClick={copy}>Copy</button>
      </div>
      <p aria-live="polite" className="hint">
        {copied === "yes" ? "Copied to the clipboard." : copied === "no" ? "Copying was blocked: the token is selected, press Ctrl+C (⌘C)." : ""}
      </p>
      {children}
    </div>
  );
}
