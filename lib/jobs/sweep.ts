import { and, inArray } from "drizzle-orm";
import { claimDueRun } from "../cluster/lease";
import type { Db } from "../db";
import { runs } from "../db/schema";
import { logger } from "../log";

export const JOB_SWEEP = "job-container-sweep";
const JOB_SWEEP_EVERY_MS = 10 * 60_000;

/** Of these runs, those that are over (finished, failed, killed) or gone: their jobs have nothing left to do. */
export async function endedRuns(db: Db, runIds: number[]): Promise<Set<number>> {
  if (!runIds.length) return new Set();
  const live = await db.select({ id: runs.id }).from(runs).where(and(inArray(runs.id, runIds), inArray(runs.status, ["queued", "running"])));
  const liveIds = new Set(live.map((r) => r.id));
  return new Set(runIds.filter((id) => !liveIds.has(id)));
}

/** What can list and remove its jobs' containers (the Docker spawner). */
export interface JobContainers {
  removeEndedJobs(ended: (runIds: number[]) => Promise<Set<number>>): Promise<number[]>;
}

/**
 * Job containers whose run is over are removed when the job ends (lib/jobs/tracked-job.ts),
 * retried for a while when the engine fails (remove-container.ts). What is still there (the
 * engine failed throughout, or Kiln died between the run's end and the removal) goes here:
 * every ten minutes, on the replica holding the server watch.
 */
export async function sweepEndedJobs(db: Db, jobs: JobContainers): Promise<number[]> {
  if (!(await claimDueRun(db, JOB_SWEEP, JOB_SWEEP_EVERY_MS))) return [];
  const removed = await jobs.removeEndedJobs((ids) => endedRuns(db, ids));
  if (removed.length) logger().info({ runs: removed }, "removed the containers of jobs whose run had ended");
  return removed;
}
