import crypto from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../db";
import { userSessions, users } from "../db/schema";
import { derivedKey } from "./at-rest";
import { parseCookies } from "./authenticate";
import type { Principal } from "./principal";

/**
 * Signing in on the user origin (KILN_USER_ORIGIN), which never sees Kiln's session cookie.
 * Kiln's origin, where the browser is signed in, hands over a one-time code good for 60 s
 * and one host; the user origin trades it for its own cookie, which names the same Kiln
 * session: signing out (or "sign out everywhere") ends it there too.
 */
export const USER_ORIGIN_COOKIE = "kiln-user";
const CODE_TTL_MS = 60_000;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const mac = (data: string) => crypto.createHmac("sha256", derivedKey("user-origin")).update(data).digest("base64url");

function signed(payload: object): string {
  const data = b64(payload);
  return `${data}.${mac(data)}`;
}

function verified<T>(value: string): T | null {
  const [data, sig] = value.split(".");
  if (!data || !sig) return null;
  const expected = mac(data);
  if (sig.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return null;
  try {
    return JSON.parse(Buffer.from(data, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}

interface Handover {
  h: string; // the user origin's host
  s: string; // the Kiln session's row id
  e: number; // expiry (ms)
  n: string; // nonce: each code works once
}
const redeemed = new Map<string, number>();

export function mintHandoverCode(host: string, sessionId: string): string {
  return signed({ h: host, s: sessionId, e: Date.now() + CODE_TTL_MS, n: crypto.randomBytes(12).toString("base64url") } satisfies Handover);
}

/** The session a code hands over, if it is genuine, fresh, for this host and not used before. */
export function redeemHandoverCode(code: string, host: string): string | null {
  const h = verified<Handover>(code);
  const now = Date.now();
  if (!h || h.h !== host || h.e < now || redeemed.has(h.n)) return null;
  for (const [n, e] of redeemed) if (e < now) redeemed.delete(n);
  redeemed.set(h.n, h.e);
  return h.s;
}

/** The user origin's own cookie: host-only, not readable by scripts. */
export function userOriginCookie(host: string, sessionId: string, secure: boolean): string {
  return `${USER_ORIGIN_COOKIE}=${signed({ h: host, s: sessionId })}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** Who a request to the user origin comes from, by its cookie; null without one (or a dead session). */
export async function principalFromUserOriginCookie(db: Db, cookieHeader: string | undefined, host: string): Promise<Principal | null> {
  const value = parseCookies(cookieHeader ?? null).get(USER_ORIGIN_COOKIE);
  const c = value ? verified<{ h: string; s: string }>(value) : null;
  if (!c || c.h !== host) return null;
  const [row] = await db
    .select({ user: users })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, c.s), gt(userSessions.expiresAt, sql`now()`)));
  return row ? { kind: "user", user: row.user, via: "session", sessionId: c.s } : null;
}
