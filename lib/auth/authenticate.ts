import { and, eq, gt, sql } from "drizzle-orm";
import { getToken } from "next-auth/jwt";
import { getConfig } from "../config";
import type { Db } from "../db";
import { apiTokens, users, userSessions } from "../db/schema";
import { UnauthorizedError } from "../errors";
import { groupNamesOf } from "../users/serialize";
import { touchActivity } from "./activity";
import type { Principal } from "./principal";
import { expandScopes } from "./scopes";
import { sessionKey } from "./sessions";
import { sessionSecret } from "./session-secret";
import { hashToken, safeEqual } from "./token-secret";

/** Cookies as a Map, so the same code serves Next's requests and raw WebSocket upgrades. */
export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const value = part.slice(i + 1).trim();
    try {
      out.set(part.slice(0, i).trim(), decodeURIComponent(value));
    } catch {
      out.set(part.slice(0, i).trim(), value);
    }
  }
  return out;
}

/** `Authorization: token <t>` or `Authorization: Bearer <t>`, as JupyterHub accepts. */
export function tokenFromHeader(header: string | null): string | null {
  if (!header) return null;
  const m = /^(token|bearer)\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new UnauthorizedError("Authorization header must be 'token <token>' or 'Bearer <token>'");
  return m[2]!;
}

export async function principalFromToken(db: Db, token: string): Promise<Principal> {
  const admin = getConfig().adminToken;
  if (admin && safeEqual(token, admin)) return { kind: "service", name: "kiln-admin-token" };
  // One statement for the token, its user and their groups: this runs on every API call.
  const [row] = await db
    .select({ tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt, serverId: apiTokens.serverId, runId: apiTokens.runId, scopes: apiTokens.scopes, user: users, groups: groupNamesOf(users.id) })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.hash, hashToken(token)));
  if (!row) throw new UnauthorizedError("Invalid token");
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new UnauthorizedError("Token expired");
  touchActivity(db, row.user.id, row.tokenId);
  // Scopes only narrow: the verbs still check what the owner may do (memoised: no work per request).
  const scopes = expandScopes(row.scopes, row.user.name) ?? undefined;
  return { kind: "user", user: row.user, via: "token", tokenId: row.tokenId, groups: row.groups, serverId: row.serverId, runId: row.runId, ...(scopes ? { scopes } : {}) };
}

async function principalFromSession(db: Db, req: Request): Promise<Principal | null> {
  const cookies = parseCookies(req.headers.get("cookie"));
  if (![...cookies.keys()].some((k) => k.includes("next-auth.session-token"))) return null;
  const jwt = await getToken({ req: { headers: req.headers, cookies } as never, secret: sessionSecret() });
  const id = Number(jwt?.sub);
  // A cookie without a session id predates server-side sessions: refused, its user signs in again.
  if (!Number.isInteger(id) || typeof jwt?.sid !== "string") return null;
  // One statement for the session and its user: this runs on every request a page makes.
  const [row] = await db
    .select({ user: users, sessionId: userSessions.id })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, sessionKey(jwt.sid)), eq(userSessions.userId, id), gt(userSessions.expiresAt, sql`now()`)));
  if (!row) return null;
  touchActivity(db, row.user.id, undefined, row.sessionId);
  return { kind: "user", user: row.user, via: "session", sessionId: row.sessionId };
}

/**
 * Who sent this request. A token that is present but wrong is a 401 (never a silent
 * fall-back to the cookie); no credentials at all gives null.
 */
export async function authenticate(db: Db, req: Request): Promise<Principal | null> {
  const token = tokenFromHeader(req.headers.get("authorization"));
  if (token) return principalFromToken(db, token);
  return principalFromSession(db, req);
}
