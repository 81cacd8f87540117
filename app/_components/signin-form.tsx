"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useHydrated } from "./use-hydrated";

interface Props {
  callbackUrl: string;
  initialError?: string;
  providers: { id: string; name: string }[];
}

export function SignInForm({ callbackUrl, initialError, providers }: Props) {
  const [error, setError] = useState(initialError ?? "");
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError("");
    try {
      const res = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
        // next-auth reads "?error=" off the URL it answers with; without this it would echo the
        // current page's URL, and a stale ?error= there would read as a failed sign-in.
        callbackUrl: "/",
      });
      if (res?.ok && !res.error) {
        window.location.assign(callbackUrl);
        return;
      }
      setError(
        !res?.error || res.error === "CredentialsSignin"
          ? "That email and password do not match an account. Check them and try again."
          : res.error,
      );
    } catch {
      setError("Could not reach Kiln. Check your connection and try again.");
    }
    setBusy(false);
  }

  return (
    <>
      {error ? (
        <div role="alert" className="alert alert-error">
          {error}
        </div>
      ) : null}
      {/* method="post": should the form ever submit natively, the password travels in a body, never in a URL */}
      <form onSubmit={onSubmit} method="post" className="form">
        <div className="field">
          <label htmlFor="signin-email">Email</label>
          <input id="signin-email" name="email" type="email" autoComplete="email" required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input id="signin-password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {providers.length > 0 ? (
        <div className="sso">
          <p className="divider">
            <span>or</span>
          </p>
          {providers.map((p) => (
            <button key={p.id} type="button" className="btn btn-secondary btn-block" onClick={() => void signIn(p.id, { callbackUrl })}>
              Continue with {p.name}
            </button>
          ))}
        </div>
      ) : null}
      <p className="auth-switch">
        New to Kiln? <Link href="/signup">Create an account</Link>
      </p>
    </>
  );
}
