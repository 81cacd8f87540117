"use client";

import { useEffect, useRef, useState } from "react";
import type { NewToken } from "./token-types";

/** The one time the secret is visible. */
export function NewTokenNotice({ token, onDismiss }: { token: NewToken; onDismiss: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"" | "yes" | "no">("");
  useEffect(() => {
    setCopied("");
    input.current?.focus();
  }, [token.id]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied("yes");
    } catch {
      input.current?.select();
      setCopied("no");
    }
  }

  return (
    <div className="alert alert-success new-token" role="status">
      <p>
        <strong>Token {token.id} created{token.note ? ` (${token.note})` : ""}.</strong> Copy it now: it will not be shown
        again.
      </p>
      <div className="copy-row">
        <label htmlFor="new-token-value" className="visually-hidden">
          New token
        </label>
        <input id="new-token-value" ref={input} readOnly value={token.token} className="mono" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn btn-primary" onClick={copy}>
          Copy
        </button>
        <button type="button" className="btn btn-secondary" onClick={onDismiss}>
          Done
        </button>
      </div>
      <p aria-live="polite" className="hint">
        {copied === "yes" ? "Copied to the clipboard." : copied === "no" ? "Copying was blocked: the token is selected, press Ctrl+C (⌘C)." : ""}
      </p>
    </div>
  );
}
