import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { runMetrics, runs, type SweepRow, sweepTrials, trialLogs, type TrialRow, users } from "../db/schema";
import { adoptRunningJob, followAdoptedJob, jobRunner, removalOf, runTrackedJob } from "../jobs/tracked-job";
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
  const log = new StepLog(db, trial.id, trial.attempt, (data, sourceOffset) => db.insert(trialLogs).values({ trialId: trial.id, attempt: trial.attempt, data, sourceOffset }));
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
      launched: async (spawnerKind, state) => void (await updateRunningTrial(db, trial.id, { launchedAt: new Date(), process: { spawner: spawnerKind, state } })),
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
    await finishTrial(db, sweep, trial, log, runId, { status, error });
  }
}

/** The end of a trial's attempt, however it ran: its log, objective, status and run's status, then its container goes. */
async function finishTrial(db: Db, sweep: SweepRow, trial: TrialRow, log: StepLog, runId: number | null, o: { status: "succeeded" | "failed"; error: string | null }) {
  await log.close();
  const objective = runId ? await objectiveOf(db, sweep, runId) : null;
  const ended = new Date();
  const mine = await updateRunningTrial(db, trial.id, { status: o.status, error: o.error, objective, endedAt: ended, worker: null, process: null });
  if (!runId) return;
  // A pruned or cancelled trial's run is killed; the rest end as their trial did.
  const [t] = await db.select({ status: sweepTrials.status }).from(sweepTrials).where(eq(sweepTrials.id, trial.id));
  const runStatus = mine ? (o.status === "succeeded" ? "finished" : "failed") : t?.status === "pruned" || t?.status === "cancelled" ? "killed" : "failed";
  await db.update(runs).set({ status: runStatus, error: mine ? o.error : `Trial ${t?.status ?? "stopped"}`, endedAt: ended }).where(and(eq(runs.id, runId), eq(runs.status, "running")));
  if (!mine) await db.update(sweepTrials).set({ objective }).where(and(eq(sweepTrials.id, trial.id), sql`${sweepTrials.objective} is null`));
  await removalOf(runId);
}

/**
 * A trial whose Kiln died, taken over by this one (`worker` is this process's takeover mark):
 * if its container is still there it is adopted (its kernel-API socket listened on again,
 * its output followed from now, its exit awaited) and the trial ends as it would have;
 * answers false when it cannot be (the caller runs the trial again).
 */
export async function adoptTrial(db: Db, sweep: SweepRow, trial: TrialRow): Promise<boolean> {
  if (!trial.process || !trial.runId) {
    logger().warn({ trial: trial.id, process: !!trial.process, run: trial.runId }, "a lost trial has no container to adopt");
    return false;
  }
  const job = await adoptRunningJob(trial.process.spawner, trial.process.state, trial.runId);
  if (!job) return false;
  const [mine] = await db.update(sweepTrials).set({ worker: WORKER_ID, heartbeatAt: new Date() }).where(and(eq(sweepTrials.id, trial.id), eq(sweepTrials.worker, `takeover:${WORKER_ID}`), eq(sweepTrials.status, "running"))).returning();
  if (!mine) return true; // cancelled meanwhile: its container goes with the cancel
  const runId = trial.runId;
  const spawnerKind = trial.process.spawner;
  void (async () => {
    const log = new StepLog(db, trial.id, trial.attempt, (data, sourceOffset) => db.insert(trialLogs).values({ trialId: trial.id, attempt: trial.attempt, data, sourceOffset }));
    const [{ stored } = { stored: 0 }] = await db.select({ stored: sql<number>`coalesce(max(${trialLogs.sourceOffset}), 0)::bigint` }).from(trialLogs).where(and(eq(trialLogs.trialId, trial.id), eq(trialLogs.attempt, trial.attempt)));
    let outcome: { status: "succeeded" | "failed"; error: string | null };
    try {
      const { code, timedOut } = await followAdoptedJob(db, {
        spawner: spawnerKind, job, runId, holder: { kind: "trial", id: String(trial.id) }, log, storedBytes: Number(stored), what: "trial",
        deadline: (trial.startedAt?.getTime() ?? Date.now()) + sweep.timeoutS * 1000, heartbeat: () => updateRunningTrial(db, trial.id, { heartbeatAt: new Date() }),
      });
      outcome = timedOut ? { status: "failed", error: `The trial ran longer than its timeout (${sweep.timeoutS} s) and was stopped` }
        : code === 0 ? { status: "succeeded", error: null } : { status: "failed", error: log.lastLine() || `The trial exited with status ${code}` };
    } catch (e) {
      outcome = { status: "failed", error: (e as Error).message };
    }
    await finishTrial(db, sweep, mine, log, runId, outcome);
  })().catch((e) => logger().error({ err: e, trial: trial.id }, "an adopted trial crashed"));
  return true;
}

/** The trial's objective from its run's metric: the last value or the best, as the sweep says. */
export async function objectiveOf(db: Db, sweep: SweepRow, runId: number): Promise<number | null> {
  const [m] = await db.select().from(runMetrics).where(and(eq(runMetrics.runId, runId), eq(runMetrics.key, sweep.objective.metric)));
  if (!m) return null;
  if (sweep.objective.at === "last") return m.last;
  return sweep.objective.goal === "minimize" ? m.min : m.max;
}
