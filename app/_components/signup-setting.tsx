"use client";

import { useState } from "react";
import { api } from "./api";

type Signup = "open" | "closed";

export function SignupSetting({ initial }: { initial: Signup }) {
  const [signup, setSignup] = useState<Signup>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const next: Signup = signup === "open" ? "closed" : "open";

  async function toggle() {
    setBusy(true);
    setError("");
    const res = await api<{ signup: Signup }>("/api/settings", { method: "PATCH", body: { signup: next } });
    if (res.ok) setSignup(res.data.signup);
    else setError(res.error.message);
    setBusy(false);
  }

  return (
    <section className="card" aria-labelledby="signup-heading">
      <h2 id="signup-heading">Sign-up</h2>
      {error ? (
        <div role="alert" className="alert alert-error">
          {error}
        </div>
      ) : null}
      <div className="setting-row">
        <p>
          Sign-up is{" "}
          <span className={`badge ${signup === "open" ? "badge-success" : "badge-neutral"}`}>{signup}</span>
          <span className="muted">
            {signup === "open"
              ? " Anyone who can reach this instance may create an account."
              : " Only people with an invitation (and emails listed in KILN_ADMIN_EMAILS) may sign up."}
          </span>
        </p>
        <button type="button" className={`btn ${signup === "open" ? "btn-secondary" : "btn-primary"}`} disabled={busy} onClick={toggle}>
          {signup === "open" ? "Close sign-up" : "Open sign-up"}
        </button>
      </div>
    </section>
  );
}
