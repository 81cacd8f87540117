import crypto from "node:crypto";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { Db } from "../db";
import { userSessions } from "../db/schema";
import { closeSockets } from "./live-sockets";
import { hashToken } from "./token-secret";

/** A session lives as long as its cookie: 30 days from sign-in, not renewed by use. */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** The row id for a session id carried in a cookie: only its SHA-256 is stored, as for tokens. */
export const sessionKey = (sid: string) => hashToken(sid);

/** Opens a session at sign-in; the returned id goes into the (encrypted) JWT. */
export async function startSession(db: Db, userId: number, userAgent: string): Promise<string> {
  const sid = crypto.randomBytes(32).toString("base64url");
  // Expired rows are cleared here, where they are few, rather than by a sweeper.
  await db.delete(userSessions).where(and(eq(userSessions.userId, userId), lte(userSessions.expiresAt, sql`now()`)));
  await db.insert(userSessions).values({
    id: sessionKey(sid),
    userId,
    expiresAt: new Date(Date.now() + SESSION_MAX_AGE_S * 1000),
    // Only to tell sessions apart in a list; a header cannot hold NUL, but keep it short.
    userAgent: userAgent.slice(0, 300),
  });
  return sid;
}

/** Whether a session id still names a live session of this user. */
export async function sessionAlive(db: Db, userId: number, sid: string): Promise<boolean> {
  const [row] = await db
    .select({ id: userSessions.id })
    .from(userSessions)
    .where(and(eq(userSessions.id, sessionKey(sid)), eq(userSessions.userId, userId), gt(userSessions.expiresAt, sql`now()`)));
  return !!row;
}

/** Sign-out: the row goes, and with it every request and socket the cookie could still make. */
export async function endSession(db: Db, sid: string): Promise<void> {
  const gone = await db.delete(userSessions).where(eq(userSessions.id, sessionKey(sid))).returning({ id: userSessions.id });
  closeSockets({ sessionIds: gone.map((r) => r.id) });
}

/** Every session of one user ("sign out everywhere"); returns how many were open. */
export async function endAllSessions(db: Db, userId: number): Promise<number> {
  const gone = await db.delete(userSessions).where(eq(userSessions.userId, userId)).returning({ id: userSessions.id });
  closeSockets({ sessionIds: gone.map((r) => r.id) });
  return gone.length;
}
