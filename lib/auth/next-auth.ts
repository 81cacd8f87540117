import type { NextAuthOptions as AuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { getConfig } from "../config";
import { getDb } from "../db";
import { verifyCredentials } from "./credentials";
import { sessionSecret } from "./session-secret";
import { userForSso } from "./sso";

function providers(): Provider[] {
  const config = getConfig();
  const list: Provider[] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(creds, req) {
        const user = await verifyCredentials(await getDb(), creds, new Headers(req.headers as Record<string, string>));
        return user ? { id: String(user.id), name: user.name, email: user.email } : null;
      },
    }),
  ];
  if (config.github) list.push(GitHubProvider({ clientId: config.github.clientId, clientSecret: config.github.clientSecret }));
  if (config.oidc)
    list.push({
      id: "oidc",
      name: config.oidc.name,
      type: "oauth",
      wellKnown: `${config.oidc.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile: (p: { sub: string; email?: string; name?: string }) => ({ id: p.sub, email: p.email, name: p.name }),
    });
  return list;
}

/** next-auth options, built per request so they always see the loaded secret and config. */
export function authOptions(): AuthOptions {
  return {
    secret: sessionSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    providers: providers(),
    callbacks: {
      async signIn({ account, user, profile }) {
        if (!account || account.type === "credentials") return true;
        const id = await userForSso(await getDb(), {
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email: user.email,
          displayName: user.name,
          login: (profile as { login?: string } | undefined)?.login,
          // GitHub: the profile's public email, which GitHub only allows once verified (or the
          // primary one); an OIDC provider says so per address in the email_verified claim.
          emailVerified: account.provider === "github" || (profile as { email_verified?: unknown } | undefined)?.email_verified === true,
        });
        if (typeof id === "string") return `/signin?error=${id}`;
        user.id = String(id);
        return true;
      },
      async jwt({ token, user }) {
        // The Kiln user id is the session's subject; everything else is read fresh per request.
        if (user) token.sub = user.id;
        return token;
      },
    },
  };
}
