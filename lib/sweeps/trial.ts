import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { runMetrics, runs, type SweepRow, sweepTrials, trialLogs, type TrialRow, users } from "../db/schema";
import { jobRunner, removalOf, runTrackedJob } from "../jobs/tracked-job";
import { logger } from "../log";
import { StepLog } from "../jobs/log";
import { WORKER_ID } from "../jobs/worker";
import { withInjectedParameters, sourceText } from "../runs/parameters";
import { resolveOptions } from "../servers/options";
import { defaultSpawner } from "../spawners/registry";

/** Writes to a trial this process still runs (not pruned, cancelled or taken over). */
export async function updateRunningTrial(db: Db, id: number, set: Partial<typeof sweepTrials.$inferInsert>): Promise<boolean> {
  const done = await db.update(sweepTrials).set(set).where(and(eq(sweepTrials.id, id), eq(sweepTrials.worker, WORKER_ID), eq(sweepTrials.status, "running"))).returning({ id: sweepTrials.id });
  return done.length > 0;
}

/**
 * Runs one trial: the sweep's notebook, its parameters injected after the `parameters`
 * cell (papermill's convention, as "Run as experiment"), as a tracked run in a fresh
 * container with its GPUs from the allocator (holder "trial", so within the owner's
 * quota: a trial waits for GPUs rather than exceed it). The objective is read from the
 * run's metric when it ends. A trial the controller pruned or cancelled meanwhile keeps
 * that status.
 */
export async function executeTrial(db: Db, sweep: SweepRow, trial: TrialRow): Promise<void> {
  const log = new StepLog(db, trial.id, trial.attempt, (data) => db.insert(trialLogs).values({ trialId: trial.id, attempt: trial.attempt, data }));
  let runId: number | null = null;
  let status: "succeeded" | "failed" = "failed";
  let error: string | null = null;
  const heartbeat = setInterval(() => void updateRunningTrial(db, trial.id, { heartbeatAt: new Date() }).catch(() => {}), 2000);
  try {
    const [owner] = await db.select().from(users).where(eq(users.id, sweep.ownerId));
    if (!owner) throw new Error("The sweep's owner is gone");
    const opts = await resolveOptions(db, { image: sweep.resources.image, cpu: sweep.resources.cpu, memory: sweep.resources.memory_mb, gpus: sweep.resources.gpus ?? 0 } as never);
    const kind = defaultSpawner();
    const cells = withInjectedParameters(sweep.source, trial.params);
    const [run] = await db
      .insert(runs)
      .values({
        ownerId: owner.id, notebookId: sweep.notebookId, notebookName: sweep.notebookName, notebookRevision: sweep.notebookRevision, kind: "batch", status: "running",
        image: opts.image.name, source: { ...sweep.source, cells }, injected: trial.params,
        resources: { cpu: opts.cpu, memory_mb: opts.memoryMb, gpus: opts.gpus, gpu_ids: [] },
      })
      .returning();
    runId = run!.id;
    if (!(await updateRunningTrial(db, trial.id, { runId, gpus: opts.gpus }))) return;
    const code = cells.filter((c) => c.cell_type === "code").map(sourceText).filter((c) => c.trim());
    const result = await runTrackedJob(db, {
      owner, runId, spawner: kind, image: opts.image, cpu: opts.cpu, memoryMb: opts.memoryMb, gpus: opts.gpus,
      holder: { kind: "trial", id: String(trial.id) }, description: { cells: code, parameters: {} }, timeoutS: sweep.timeoutS, log,
      env: { KILN_SWEEP: String(sweep.id), KILN_TRIAL: String(trial.number) },
      tokenNote: `sweep ${sweep.id}, trial ${trial.number}: the kiln module`,
      stillWanted: () => updateRunningTrial(db, trial.id, { heartbeatAt: new Date() }),
      launched: () => void updateRunningTrial(db, trial.id, { launchedAt: new Date() }).catch(() => {}),
      started: async (spawnerKind, job) => {
        await updateRunningTrial(db, trial.id, { process: { spawner: spawnerKind, state: job.state as Record<string, unknown> } });
        const digest = await jobRunner(spawnerKind).imageId(opts.image.reference).catch(() => "");
        await db.update(runs).set({ imageDigest: digest }).where(eq(runs.id, runId!));
      },
    });
    if (result.timedOut) error = `The trial ran longer than its timeout (${sweep.timeoutS} s) and was stopped`;
    else if (result.code !== 0) error = log.lastLine() || `The trial exited with status ${result.code}`;
    else status = "succeeded";
  } catch (e) {
    error = (e as Error).message;
    logger().info({ trial: trial.id, err: error }, "a sweep trial failed");
  } finally {
    clearInterval(heartbeat);
    await log.close();
    const objective = runId ? await objectiveOf(db, sweep, runId) : null;
    const ended = new Date();
    const mine = await updateRunningTrial(db, trial.id, { status, error, objective, endedAt: ended, worker: null, process: null });
    if (runId) {
      // A pruned or cancelled trial's run is killed; the rest end as their trial did.
      const [t] = await db.select({ status: sweepTrials.status }).from(sweepTrials).where(eq(sweepTrials.id, trial.id));
      const runStatus = mine ? (status === "succeeded" ? "finished" : "failed") : t?.status === "pruned" || t?.status === "cancelled" ? "killed" : "failed";
      await db.update(runs).set({ status: runStatus, error: mine ? error : `Trial ${t?.status ?? "stopped"}`, endedAt: ended }).where(and(eq(runs.id, runId), eq(runs.status, "running")));
      if (!mine) await db.update(sweepTrials).set({ objective }).where(and(eq(sweepTrials.id, trial.id), sql`${sweepTrials.objective} is null`));
      await removalOf(runId);
    }
  }
}

/** The trial's objective from its run's metric: the last value or the best, as the sweep says. */
export async function objectiveOf(db: Db, sweep: SweepRow, runId: number): Promise<number | null> {
  const [m] = await db.select().from(runMetrics).where(and(eq(runMetrics.runId, runId), eq(runMetrics.key, sweep.objective.metric)));
  if (!m) return null;
  if (sweep.objective.at === "last") return m.last;
  return sweep.objective.goal === "minimize" ? m.min : m.max;
}
