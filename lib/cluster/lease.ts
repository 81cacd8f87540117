import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db";
import { leases } from "../db/schema";
import { WORKER_ID } from "../jobs/worker";

/**
 * Leases in PostgreSQL: one replica at a time holds a name until its lease expires, by the
 * database's clock. Taking one is a single conditional upsert (held by me, or expired), so
 * two replicas racing for it cannot both win; a holder that dies is replaced once its lease
 * runs out. On PGlite there is one Kiln, and it always wins.
 */
export async function takeLease(db: Db, name: string, ttlMs: number, opts: { address?: string | null; force?: boolean } = {}): Promise<boolean> {
  const expires = sql`now() + ${`${Math.max(1, Math.round(ttlMs))} milliseconds`}::interval`;
  const rows = await db
    .insert(leases)
    .values({ name, holder: WORKER_ID, address: opts.address ?? null, expiresAt: expires })
    .onConflictDoUpdate({
      target: leases.name,
      set: { holder: WORKER_ID, address: opts.address ?? null, expiresAt: expires },
      setWhere: opts.force ? undefined : sql`${leases.holder} = ${WORKER_ID} or ${leases.expiresAt} < now()`,
    })
    .returning({ holder: leases.holder });
  return rows[0]?.holder === WORKER_ID;
}

/** Lets go at once (a clean shutdown), so a successor need not wait for the expiry. */
export async function releaseLease(db: Db, name: string): Promise<void> {
  await db.delete(leases).where(and(eq(leases.name, name), eq(leases.holder, WORKER_ID)));
}

/** The live holder of a lease, or null when nobody holds it (never taken, or expired). */
export async function leaseHolder(db: Db, name: string): Promise<{ holder: string; address: string | null; mine: boolean } | null> {
  const [row] = await db
    .select({ holder: leases.holder, address: leases.address })
    .from(leases)
    .where(and(eq(leases.name, name), sql`${leases.expiresAt} >= now()`));
  return row ? { ...row, mine: row.holder === WORKER_ID } : null;
}

/**
 * Work due every `everyMs` across all replicas (the hourly blob sweep): the one replica
 * whose conditional update moves `last_run_at` runs it; the others see it already moved.
 */
export async function claimDueRun(db: Db, name: string, everyMs: number): Promise<boolean> {
  await db.insert(leases).values({ name, holder: WORKER_ID, expiresAt: sql`now()` }).onConflictDoNothing();
  const rows = await db
    .update(leases)
    .set({ lastRunAt: sql`now()`, holder: WORKER_ID })
    .where(and(eq(leases.name, name), sql`(${leases.lastRunAt} is null or ${leases.lastRunAt} < now() - ${`${everyMs} milliseconds`}::interval)`))
    .returning({ name: leases.name });
  return rows.length > 0;
}

/** The live holders of those of `names` someone holds (one query for a whole pass). */
export async function liveHolders(db: Db, names: string[]): Promise<Map<string, { holder: string; address: string | null }>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .select({ name: leases.name, holder: leases.holder, address: leases.address })
    .from(leases)
    .where(and(inArray(leases.name, names), sql`${leases.expiresAt} >= now()`));
  return new Map(rows.map((r) => [r.name, r]));
}

/** The names among `names` some live replica holds. */
export async function liveLeases(db: Db, names: string[]): Promise<Set<string>> {
  return new Set((await liveHolders(db, names)).keys());
}
