import type { NextAuthOptions as AuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { getConfig } from "../config";
import { getDb } from "../db";
import { verifyCredentials } from "./credentials";
import { endSession, SESSION_MAX_AGE_S, sessionAlive, startSession } from "./sessions";
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

/** next-auth options, built per request so they always see the loaded secret and config (and the browser's User-Agent). */
export function authOptions(req?: Request): AuthOptions {
  const userAgent = req?.headers.get("user-agent") ?? "";
  return {
    secret: sessionSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
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
        // The Kiln user id is the session's subject and `sid` names its row in user_sessions;
        // everything else is read fresh per request.
        if (user) return { ...token, sub: user.id, sid: await startSession(await getDb(), Number(user.id), userAgent) };
        // Only /api/auth/session gets here: an ended session must not read as signed in (next-auth clears the cookie).
        if (typeof token.sid !== "string" || !(await sessionAlive(await getDb(), Number(token.sub), token.sid))) throw new Error("Session ended");
        return token;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await endSession(await getDb(), token.sid);
      },
    },
  };
}
