import { and, inArray, sql } from "drizzle-orm";
import type { Db } from "../db";
import { leases } from "../db/schema";
import { releaseLease, takeLease } from "./lease";

/**
 * Holds `name` for as long as the work behind it runs, renewing it every third of `ttlMs`
 * (a spawn waiting for GPUs, a stop). Null when another live replica holds it. If this
 * process dies the renewals stop and the lease runs out: whoever watches it takes over.
 */
export type HeldLease = { release: () => Promise<void> };

/** `force`: taken even from a live holder (at start-up on PGlite, where the holder was this machine's previous Kiln). */
export async function holdLease(db: Db, name: string, ttlMs: number, force = false): Promise<HeldLease | null> {
  if (!(await takeLease(db, name, ttlMs, { force }))) return null;
  const timer = setInterval(() => void takeLease(db, name, ttlMs).catch(() => {}), ttlMs / 3);
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await releaseLease(db, name).catch(() => {});
    },
  };
}

/** The names among `names` some live replica holds (one query for a whole pass). */
export async function liveLeases(db: Db, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db
    .select({ name: leases.name })
    .from(leases)
    .where(and(inArray(leases.name, names), sql`${leases.expiresAt} >= now()`));
  return new Set(rows.map((r) => r.name));
}
