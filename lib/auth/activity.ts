import { eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { apiTokens, users, userSessions } from "../db/schema";
import { logger } from "../log";
import { throttle } from "../throttle";

// last_activity is informative (JupyterHub reports it at minute precision), so writing it
// on every request would only add load: one write per user or token per interval.
const due = throttle(30_000);

export function touchActivity(db: Db, userId: number, tokenId?: number, sessionId?: string): void {
  const writes: Promise<unknown>[] = [];
  if (due(`u${userId}`)) writes.push(db.update(users).set({ lastActivity: sql`now()` }).where(eq(users.id, userId)));
  if (tokenId !== undefined && due(`t${tokenId}`))
    writes.push(db.update(apiTokens).set({ lastActivity: sql`now()` }).where(eq(apiTokens.id, tokenId)));
  if (sessionId !== undefined && due(`s${sessionId}`))
    writes.push(db.update(userSessions).set({ lastSeenAt: sql`now()` }).where(eq(userSessions.id, sessionId)));
  for (const w of writes) w.catch((e) => logger().warn({ err: e }, "could not record activity"));
}
