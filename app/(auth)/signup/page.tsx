import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { pageUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db";
import { readSettings } from "@/lib/settings";
import { AuthCard } from "../../_components/auth-card";
import { SignUpForm } from "../../_components/signup-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ invite?: string | string[] }> }) {
  if (await pageUser()) redirect("/");
  const { signup } = await readSettings(await getDb());
  const raw = (await searchParams).invite;
  const invite = typeof raw === "string" && /^[\w-]{1,200}$/.test(raw) ? raw : undefined;
  return (
    <AuthCard>
      {signup === "closed" && !invite ? (
        <>
          <h1>Sign-up is closed</h1>
          <p>This Kiln instance is not accepting new accounts right now. Ask an admin for an invitation link.</p>
          <p className="auth-switch">
            Already have an account? <Link href="/signin">Sign in</Link>
          </p>
        </>
      ) : (
        <>
          <h1>Create an account</h1>
          {invite ? <p className="muted">You were invited: this link lets you create one account.</p> : null}
          <SignUpForm invite={invite} />
        </>
      )}
    </AuthCard>
  );
}
