import { eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { apiTokens, users } from "../db/schema";
import { logger } from "../log";

// last_activity is informative (JupyterHub reports it at minute precision), so writing it
// on every request would only add load: one write per user or token per interval.
const INTERVAL_MS = 30_000;
const lastWrite = new Map<string, number>();

export function touchActivity(db: Db, userId: number, tokenId?: number): void {
  const now = Date.now();
  const due = (key: string) => {
    if (now - (lastWrite.get(key) ?? 0) < INTERVAL_MS) return false;
    lastWrite.set(key, now);
    return true;
  };
  const writes: Promise<unknown>[] = [];
  if (due(`u${userId}`)) writes.push(db.update(users).set({ lastActivity: sql`now()` }).where(eq(users.id, userId)));
  if (tokenId !== undefined && due(`t${tokenId}`))
    writes.push(db.update(apiTokens).set({ lastActivity: sql`now()` }).where(eq(apiTokens.id, tokenId)));
  for (const w of writes) w.catch((e) => logger().warn({ err: e }, "could not record activity"));
}
