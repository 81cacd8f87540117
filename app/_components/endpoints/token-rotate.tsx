"use client";

import { useState } from "react";
import { api } from "../api";
import { TokenOnce } from "./token-once";

/** A lost token is replaced, not shown again: Kiln keeps only its hash. */
export function TokenRotate({ name }: { name: string }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  return (
    <div>
      <button type="button" className="btn btn-secondary btn-small" onClick={async () => {
        if (!window.confirm(`Make a new token for ${name}? The current one stops working at once.`)) return;
        const r = await api<{ token: string }>(`/api/endpoints/${encodeURIComponent(name)}/token`, { method: "POST" });
        if (r.ok) (setToken(r.data.token), setError(""));
        else setError(r.error.message);
      }}>
        New token
      </button>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
      {token ? <TokenOnce endpoint={name} token={token} /> : null}
    </div>
  );
}
