import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { pageUser } from "@/lib/auth/page-session";
import { getConfig } from "@/lib/config";
import { AuthCard } from "../../_components/auth-card";
import { safeCallback } from "../../_components/format";
import { SignInForm } from "../../_components/signin-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an account. Check them and try again.",
  SignupClosed: "Sign-up is closed on this instance, so no account was created for you. Ask an admin for an invitation.",
  EmailInUse: "An account with this email already exists, and the provider did not confirm the address is yours. Sign in with your password.",
  OAuthSignin: "Could not start signing in with that provider. Try again.",
  OAuthCallback: "The sign-in provider returned an error. Try again.",
  OAuthAccountNotLinked: "That email is already linked to another sign-in method.",
  AccessDenied: "Access was denied.",
  SessionRequired: "Please sign in to continue.",
  Configuration: "Sign-in is misconfigured on this server. Ask an admin to check the logs.",
};

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const sp = await searchParams;
  const callbackUrl = safeCallback(sp.callbackUrl);
  if (await pageUser()) redirect(callbackUrl);
  const code = typeof sp.error === "string" ? sp.error : undefined;
  const { github, oidc } = getConfig();
  return (
    <AuthCard>
      <h1>Sign in</h1>
      <SignInForm
        callbackUrl={callbackUrl}
        initialError={code ? (ERRORS[code] ?? "Sign-in failed. Try again.") : undefined}
        providers={[...(github ? [{ id: "github", name: "GitHub" }] : []), ...(oidc ? [{ id: "oidc", name: oidc.name }] : [])]}
      />
    </AuthCard>
  );
}
