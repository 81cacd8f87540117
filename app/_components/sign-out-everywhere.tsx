"use client";

import { useState } from "react";
import { api, userPath } from "./api";

/** The account page's "sign out everywhere": ends every browser session, this one included. */
export function SignOutEverywhere({ userName }: { userName: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function run() {
    if (!window.confirm("Sign out of Kiln in every browser, this one included? API tokens keep working.")) return;
    setBusy(true);
    setError("");
    const res = await api(`${userPath(userName)}/sessions`, { method: "DELETE" });
    if (res.ok) return window.location.assign("/signin");
    setBusy(false);
    setError(res.error.message);
  }

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      <p className="muted">
        Signed in on a machine you no longer use, or think someone copied your session? End every browser session at once. API
        tokens are not affected: revoke them above.
      </p>
      {error ? (
        <div role="alert" className="alert alert-error">
          {error}
        </div>
      ) : null}
      <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void run()}>
        {busy ? "Signing out…" : "Sign out everywhere"}
      </button>
    </section>
  );
}
