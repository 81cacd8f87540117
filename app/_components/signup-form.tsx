"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRef, useState } from "react";
import { api, type ApiError, fieldMessage } from "./api";
import { Field } from "./field";
import { useHydrated } from "./use-hydrated";

const FIELDS = ["email", "name", "display_name", "password"] as const;
type FieldName = (typeof FIELDS)[number];

/** Roughly what the server derives from an email's local part, as a hint. */
function suggestedName(email: string): string {
  const local = email.split("@")[0] ?? "";
  return local.normalize("NFKD").toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "").slice(0, 50);
}

export function SignUpForm({ invite }: { invite?: string }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState("");
  const formRef = useRef<HTMLFormElement>(null);
  const hydrated = useHydrated();
  const fieldError = (f: FieldName) => (error?.field === f ? fieldMessage(error) : undefined);
  const general = error && !FIELDS.includes(error.field as FieldName) ? error.message : "";

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const value = (k: string) => String(f.get(k) ?? "").trim();
    const body = {
      email: value("email"),
      password: String(f.get("password") ?? ""),
      ...(value("name") ? { name: value("name") } : {}),
      ...(value("display_name") ? { display_name: value("display_name") } : {}),
      ...(invite ? { invite } : {}),
    };
    setBusy(true);
    setError(null);
    const res = await api("/api/auth/signup", { method: "POST", body });
    if (!res.ok) {
      setError(res.error);
      setBusy(false);
      if (res.error.field) formRef.current?.querySelector<HTMLInputElement>(`[name="${res.error.field}"]`)?.focus();
      return;
    }
    const signedIn = await signIn("credentials", { email: body.email, password: body.password, redirect: false, callbackUrl: "/" }).catch(() => null);
    if (signedIn?.ok && !signedIn.error) return window.location.assign("/");
    setError({ status: 0, code: "signin", message: "Your account was created, but signing in failed. Please sign in." });
    setBusy(false);
  }

  const hint = suggestedName(email);
  return (
    <>
      {general ? (
        <div role="alert" className="alert alert-error">
          {general}
          {error?.code === "signin" ? (
            <>
              {" "}
              <Link href="/signin">Go to sign in</Link>
            </>
          ) : null}
        </div>
      ) : null}
      {/* method="post": should the form ever submit natively, the password travels in a body, never in a URL */}
      <form ref={formRef} onSubmit={onSubmit} method="post" className="form" noValidate>
        <Field id="signup-email" name="email" label="Email" type="email" autoComplete="email" required autoFocus
          value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError("email")} />
        <Field id="signup-name" name="name" label="Username (optional)" autoComplete="username" autoCapitalize="none"
          spellCheck={false} maxLength={63} error={fieldError("name")}
          hint={hint ? <>Leave blank to derive it from your email (e.g. <code>{hint}</code>).</> : "Leave blank to derive it from your email."} />
        <Field id="signup-display" name="display_name" label="Display name (optional)" autoComplete="name" maxLength={200}
          error={fieldError("display_name")} />
        <Field id="signup-password" name="password" label="Password" type="password" autoComplete="new-password" required
          minLength={8} hint="At least 8 characters." error={fieldError("password")} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </>
  );
}
