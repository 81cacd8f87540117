import { eq, ne } from "drizzle-orm";
import { liveLeases } from "../cluster/lease";
import type { Db } from "../db";
import { servers } from "../db/schema";
import { forget } from "./forget";
import { resumeQueuedSpawn } from "./start";
import { holdTransition, transitionLease } from "./transition-lease";

/**
 * Servers starting or stopping whose replica is gone (their transition lease ran out): a
 * spawn that was waiting for GPUs keeps its place in the queue and carries on here; any
 * other is cleaned up and reported failed, so no row stays pending forever. `othersAreGone`
 * at start-up on PGlite, where no other process can be starting anything.
 */
export async function finishOrphans(db: Db, opts: { othersAreGone?: boolean } = {}): Promise<void> {
  const rows = await db.select().from(servers).where(ne(servers.status, "ready"));
  const live = opts.othersAreGone ? new Set<string>() : await liveLeases(db, rows.map((r) => transitionLease(r.userId, r.name)));
  for (const stale of rows.filter((r) => !live.has(transitionLease(r.userId, r.name)))) {
    const lease = await holdTransition(db, stale.userId, stale.name, opts.othersAreGone);
    if (!lease) continue; // someone took it on meanwhile
    let handedOn = false;
    try {
      // Read again under the lease: the spawn may have finished between the two queries.
      const [row] = await db.select().from(servers).where(eq(servers.id, stale.id));
      if (!row || row.status === "ready") continue;
      if (row.status === "pending" && (handedOn = await resumeQueuedSpawn(db, row, lease))) continue;
      await forget(db, row, "the Kiln that was starting or stopping it stopped");
    } finally {
      if (!handedOn) await lease.release();
    }
  }
}
