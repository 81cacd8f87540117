import { holdLease } from "../cluster/hold";
import type { Db } from "../db";

/**
 * A server starting or stopping belongs to the replica doing it, by a lease on the user's
 * server name taken before its row exists and renewed until the row is ready or gone. A
 * pending or stopping row whose lease ran out lost its replica: the watch finishes it
 * (orphans.ts). Keyed by name, not id, so there is no moment a fresh row has no holder.
 */
export const TRANSITION_TTL_MS = 15_000;

export const transitionLease = (userId: number, serverName: string) => `server-transition:${userId}/${serverName}`;

export function holdTransition(db: Db, userId: number, serverName: string, force = false) {
  return holdLease(db, transitionLease(userId, serverName), TRANSITION_TTL_MS, force);
}
