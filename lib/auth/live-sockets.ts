import { and, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { apiTokens, userSessions } from "../db/schema";
import { type Db, getDb } from "../db";
import { logger } from "../log";
import type { Principal } from "./principal";

/**
 * WebSockets stay open long after the request that authenticated them (the notebook
 * channel, kernels and terminals through the proxy). They are registered here with the
 * credential that opened them, so revoking a token, ending a session or deleting a user
 * closes them at once in this process. Other processes sharing the database notice within
 * SWEEP_MS: each rechecks its sockets' token and session rows (ARCHITECTURE.md).
 */
interface Live {
  close: () => void;
  userId: number;
  tokenId?: number;
  sessionId?: string;
}

const SWEEP_MS = 30_000;
const KEY = Symbol.for("kiln.liveSockets");
// Next's bundle (sign-out) and server.ts (the API, the sockets) must share one registry.
type G = typeof globalThis & { [KEY]?: { live: Set<Live>; timer: NodeJS.Timeout | null } };
const state = () => ((globalThis as G)[KEY] ??= { live: new Set(), timer: null });

/** Registers an open socket; call the returned function when it closes. The admin token's sockets are not tracked. */
export function registerSocket(actor: Principal | null, close: () => void): () => void {
  if (actor?.kind !== "user") return () => {};
  const s = state();
  const entry: Live = { close, userId: actor.user.id, tokenId: actor.tokenId, sessionId: actor.sessionId };
  s.live.add(entry);
  s.timer ??= setInterval(() => void getDb().then(recheckSockets).catch((e) => logger().warn({ err: e }, "live sockets: recheck failed")), SWEEP_MS).unref();
  return () => {
    s.live.delete(entry);
    if (s.live.size === 0 && s.timer) {
      clearInterval(s.timer);
      s.timer = null;
    }
  };
}

/** Closes every socket opened with one of these credentials, or by this user; returns how many. */
export function closeSockets(match: { tokenIds?: number[]; sessionIds?: string[]; userId?: number }): number {
  const tokens = new Set(match.tokenIds ?? []);
  const sessions = new Set(match.sessionIds ?? []);
  let n = 0;
  for (const e of [...state().live]) {
    const hit = e.userId === match.userId || (e.tokenId !== undefined && tokens.has(e.tokenId)) || (e.sessionId !== undefined && sessions.has(e.sessionId));
    if (!hit) continue;
    state().live.delete(e);
    n++;
    try {
      e.close();
    } catch (err) {
      logger().warn({ err }, "live sockets: close failed");
    }
  }
  return n;
}

/** The cross-process half: credentials whose rows are gone (or expired) lose their sockets; returns how many closed. */
export async function recheckSockets(db: Db): Promise<number> {
  const live = [...state().live];
  const tokenIds = [...new Set(live.flatMap((e) => (e.tokenId === undefined ? [] : [e.tokenId])))];
  const sessionIds = [...new Set(live.flatMap((e) => (e.sessionId === undefined ? [] : [e.sessionId])))];
  const [tokens, sessions] = await Promise.all([
    tokenIds.length
      ? db.select({ id: apiTokens.id }).from(apiTokens)
          .where(and(inArray(apiTokens.id, tokenIds), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`))))
      : [],
    sessionIds.length
      ? db.select({ id: userSessions.id }).from(userSessions).where(and(inArray(userSessions.id, sessionIds), gt(userSessions.expiresAt, sql`now()`)))
      : [],
  ]);
  const keptTokens = new Set(tokens.map((r) => r.id));
  const keptSessions = new Set(sessions.map((r) => r.id));
  return closeSockets({ tokenIds: tokenIds.filter((id) => !keptTokens.has(id)), sessionIds: sessionIds.filter((id) => !keptSessions.has(id)) });
}
