import { and, eq, lt, sql } from "drizzle-orm";
import { getConfig } from "../../config";
import { onDatasetVersion } from "../../datasets/version-events";
import type { Database, Db } from "../../db";
import { soleWriter } from "../../db/sole-writer";
import { pipelineStepRuns, runs, type StepAttempt } from "../../db/schema";
import { releaseGpus } from "../../gpus/allocator";
import { logger } from "../../log";
import { jobRunner } from "../../jobs/tracked-job";
import { adoptStep, executeStep, STALE_MS, WORKER_ID } from "./execute";
import { enqueueSteps, openPipelineQueue, STEP_QUEUE } from "./queue";
import { scheduleLookDue, scheduleLooked } from "./schedule-clock";
import { fireDueSchedules, onNewDatasetVersion, soonestTick } from "./schedules";

/**
 * Steps whose Kiln stopped heartbeating (it was killed, or its machine went) are taken
 * over by whichever Kiln sees them first: their container is removed (the attempt cannot
 * go on without the Kiln that held its socket), the attempt is recorded as lost, and the
 * step is queued again as the next attempt. Lost attempts do not count against retries.
 */
export async function takeOverLostSteps(db: Db): Promise<number> {
  const me = `takeover:${WORKER_ID}`;
  const lost = await db
    .update(pipelineStepRuns)
    .set({ worker: me, heartbeatAt: new Date() })
    .where(and(eq(pipelineStepRuns.status, "running"), lt(pipelineStepRuns.heartbeatAt, new Date(Date.now() - STALE_MS))))
    .returning();
  for (const s of lost) {
    // Its container may have run on without its Kiln: followed again, the attempt just goes on.
    if (await adoptStep(db, s, me)) {
      logger().warn({ stepRun: s.id, attempt: s.attempt }, "re-adopted a step whose Kiln stopped");
      continue;
    }
    if (s.process) await jobRunner(s.process.spawner).stopJob(s.process.state).catch((e) => logger().warn({ err: e, stepRun: s.id }, "could not remove a lost step's container"));
    await releaseGpus(db, { kind: "step", id: String(s.id) }, "its Kiln stopped").catch(() => {});
    const why = `Lost: the Kiln running attempt ${s.attempt} stopped (${s.worker ?? "unknown"}); the step runs again as attempt ${s.attempt + 1}`;
    if (s.runId) await db.update(runs).set({ status: "failed", error: why, endedAt: new Date() }).where(and(eq(runs.id, s.runId), eq(runs.status, "running")));
    const record: StepAttempt = { attempt: s.attempt, run_id: s.runId, status: "lost", error: why, started_at: (s.heartbeatAt ?? new Date()).toISOString(), ended_at: new Date().toISOString() };
    const [queued] = await db
      .update(pipelineStepRuns)
      .set({ status: "queued", readyAt: new Date(), worker: null, process: null, attempts: sql`${pipelineStepRuns.attempts} || ${JSON.stringify([record])}::jsonb`, error: why })
      .where(and(eq(pipelineStepRuns.id, s.id), eq(pipelineStepRuns.worker, me), eq(pipelineStepRuns.status, "running")))
      .returning({ id: pipelineStepRuns.id });
    if (queued) await enqueueSteps(db, [queued.id]);
    logger().warn({ stepRun: s.id, attempt: s.attempt }, "took over a step whose Kiln stopped");
  }
  return lost.length;
}

/** Queued steps whose job went missing (sent by a Kiln that died first, or never sent) are sent again; a claim runs each once. */
async function resendDueSteps(db: Db) {
  const due = await db
    .update(pipelineStepRuns)
    .set({ readyAt: new Date() })
    .where(and(eq(pipelineStepRuns.status, "queued"), lt(pipelineStepRuns.readyAt, new Date(Date.now() - 15_000))))
    .returning({ id: pipelineStepRuns.id });
  if (due.length) await enqueueSteps(db, due.map((d) => d.id));
}

/** The cron ticks that are due; alone on the database, the table is read only when its soonest tick may have come (schedule-clock.ts). */
async function fireSchedules(db: Db, alone: boolean) {
  if (!alone) return void (await fireDueSchedules(db));
  const look = scheduleLookDue();
  if (!look.due) return;
  await fireDueSchedules(db);
  scheduleLooked(look.generation, await soonestTick(db));
}

/** A counting semaphore: at most `n` steps execute in this process at once; the queue waits for a slot. */
function slots(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((r) => waiting.push(r))),
    release: () => (waiting.length ? waiting.shift()!() : free++),
  };
}

/**
 * Kiln's pipeline machinery in this process: the step queue's worker (pg-boss), the lease
 * sweep, cron ticks and data triggers. Every Kiln process runs all of it; the claims in the
 * database make each step and each tick happen once.
 */
export async function startPipelines(database: Database) {
  const db = database.db;
  const queue = await openPipelineQueue(database);
  const limit = slots(getConfig().pipelines.maxSteps);
  const alone = soleWriter(database);
  // Alone on the database, only this process sends steps, and a send wakes its workers at once
  // (at its start time, for a delayed one): the poll is a safety net, not how steps start.
  await queue.work<{ stepRunId: number }>(STEP_QUEUE, { batchSize: 1, pollingIntervalSeconds: alone ? 30 : 1 }, async (jobs) => {
    for (const job of jobs) {
      await limit.acquire();
      void executeStep(db, job.data.stepRunId)
        .catch((e) => logger().error({ err: e, stepRun: job.data.stepRunId }, "a pipeline step crashed"))
        .finally(limit.release);
    }
  });
  onDatasetVersion(onNewDatasetVersion);
  let busy = false;
  let ticks = 0;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    ticks++;
    void (async () => {
      await fireSchedules(db, alone);
      if (ticks % 2 === 0) await takeOverLostSteps(db);
      if (ticks % 10 === 0) await resendDueSteps(db);
    })()
      .catch((e) => logger().warn({ err: e }, "pipeline sweep failed"))
      .finally(() => (busy = false));
  }, 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await queue.stop().catch(() => {});
    },
  };
}
