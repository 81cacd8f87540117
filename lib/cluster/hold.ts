import type { Db } from "../db";
import { dropLease, keepLease } from "./keeper";

/** A lease held for as long as the work behind it runs (a spawn waiting for GPUs, a stop, the warm pool). */
export type HeldLease = { release: () => Promise<void> };

/**
 * Holds `name`, renewed by the lease keeper (keeper.ts) until released; null when another live
 * replica holds it. If this process dies the renewals stop and the lease runs out: whoever
 * watches it takes over. `force`: taken even from a live holder (at start-up on PGlite, where
 * the holder was this machine's previous Kiln).
 */
export async function holdLease(db: Db, name: string, ttlMs: number, force = false): Promise<HeldLease | null> {
  if (!(await keepLease(db, name, { ttlMs, force }))) return null;
  return { release: () => dropLease(db, name) };
}
