import { inArray, sql } from "drizzle-orm";
import type { Db } from "../db";
import { metricBuckets, metricPoints, runs } from "../db/schema";

/**
 * Metric points and summaries have no foreign key (a per-row check halved COPY's rate):
 * whatever deletes runs, or the user owning them, deletes their series here first.
 */
export async function deleteRunSeries(db: Db, ownerId: number): Promise<void> {
  const own = db.select({ id: runs.id }).from(runs).where(sql`${runs.ownerId} = ${ownerId}`);
  await db.delete(metricPoints).where(inArray(metricPoints.runId, own));
  await db.delete(metricBuckets).where(inArray(metricBuckets.runId, own));
}
