"use client";

import { useCallback, useEffect, useState } from "react";
import { api, userPath } from "./api";
import { NewTokenNotice } from "./new-token";
import { TokenCreateForm } from "./token-create-form";
import { TokenTable } from "./token-table";
import type { NewToken, Token } from "./token-types";

/** API tokens for one user: create (the secret is shown once), list, revoke. */
export function TokenManager({ userName }: { userName: string }) {
  const base = `${userPath(userName)}/tokens`;
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState("");
  const [fresh, setFresh] = useState<NewToken | null>(null);

  const refresh = useCallback(async () => {
    const res = await api<{ api_tokens: Token[] }>(base);
    if (res.ok) setTokens(res.data.api_tokens);
    else setError(res.error.message);
  }, [base]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function revoke(t: Token) {
    const label = t.note ? `“${t.note}” (${t.id})` : t.id;
    if (!window.confirm(`Revoke token ${label}? Anything using it will stop working.`)) return;
    setError("");
    const res = await api(`${base}/${encodeURIComponent(t.id)}`, { method: "DELETE" });
    if (!res.ok) setError(res.error.message);
    if (fresh?.id === t.id) setFresh(null);
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="muted">
        Tokens let scripts and tools call Kiln&rsquo;s API as you. Send one as <code>Authorization: token &lt;token&gt;</code>.
      </p>
      {error ? (
        <div role="alert" className="alert alert-error">
          {error}
        </div>
      ) : null}
      <TokenCreateForm
        base={base}
        onCreated={(t) => {
          setError("");
          setFresh(t);
          void refresh();
        }}
      />
      {fresh ? <NewTokenNotice token={fresh} onDismiss={() => setFresh(null)} /> : null}
      <TokenTable tokens={tokens} onRevoke={revoke} />
    </section>
  );
}
