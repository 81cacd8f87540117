import crypto from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { stepLogs, type NotebookDoc, pipelineRuns, pipelines, pipelineStepRuns, pipelineVersions, runs, users, type StepAttempt, type StepRunRow } from "../../db/schema";
import { logger } from "../../log";
import { resolveOptions } from "../../servers/options";
import { defaultSpawner } from "../../spawners/registry";
import type { JobHandle } from "../../spawners/types";
import type { StepDefinition } from "../definition";
import { StepLog } from "../../jobs/log";
import { adoptRunningJob, followAdoptedJob, jobRunner, removalOf, runTrackedJob } from "../../jobs/tracked-job";
import { WORKER_ID } from "../../jobs/worker";
import { advance } from "./advance";

import { enqueueSteps } from "./queue";
import { collectOutputs, pinInputs, resolveInputs, type StepInput } from "./step-io";

export { WORKER_ID };
/** How often a running step's row is touched; a row untouched for STALE_MS has lost its Kiln. */
export const HEARTBEAT_MS = 2000;
export const STALE_MS = 10_000;
/** Retries wait 2 s, 4 s, 8 s ... at most a minute. */
const backoffMs = (failures: number) => Math.min(60_000, 1000 * 2 ** failures);

/** Claims a queued step for this process: exactly one Kiln gets it, however many fetched its job. */
async function claim(db: Db, id: number): Promise<StepRunRow | null> {
  const [row] = await db
    .update(pipelineStepRuns)
    // A new attempt has no tracked run until it makes one (the last attempt's stays in `attempts`).
    .set({ status: "running", attempt: sql`${pipelineStepRuns.attempt} + 1`, worker: WORKER_ID, heartbeatAt: new Date(), startedAt: sql`coalesce(${pipelineStepRuns.startedAt}, now())`, process: null, error: null, runId: null })
    .where(and(eq(pipelineStepRuns.id, id), eq(pipelineStepRuns.status, "queued"), sql`coalesce(${pipelineStepRuns.readyAt}, now()) <= now() + interval '1 second'`))
    .returning();
  return row ?? null;
}

/** Writes to a step row this process still holds (a cancel or a takeover has not moved it on). */
async function updateHeld(db: Db, id: number, set: Partial<typeof pipelineStepRuns.$inferInsert>): Promise<boolean> {
  const done = await db.update(pipelineStepRuns).set(set).where(and(eq(pipelineStepRuns.id, id), eq(pipelineStepRuns.worker, WORKER_ID), eq(pipelineStepRuns.status, "running"))).returning({ id: pipelineStepRuns.id });
  return done.length > 0;
}

const cacheKeyOf = (step: StepDefinition, digest: string, params: Record<string, unknown>, inputs: Record<string, StepInput>) =>
  crypto
    .createHash("sha256")
    .update(JSON.stringify({ code: step.code, digest, params: Object.entries(params).sort(), inputs: Object.entries(inputs).map(([k, v]) => [k, "version_id" in v ? v.version_id : `run ${v.run_id}: ${v.path}`]).sort() }))
    .digest("hex");

interface Attempt {
  launched: Date | null;
  runId: number | null;
  status: StepAttempt["status"];
  error: string | null;
  started: Date;
}

/**
 * Executes one step run, if this process wins its claim: resolves its inputs (pinned in a
 * tracked run of its own), reuses an earlier identical run if the step caches, else runs its
 * code in a fresh container of its image (GPUs from the allocator, its own token and socket),
 * streams the log, collects the declared outputs, and retries with backoff or fails. The
 * pipeline run advances at the end, whatever happened.
 */
export async function executeStep(db: Db, stepRunId: number): Promise<void> {
  const row = await claim(db, stepRunId);
  if (!row) return;
  const log = new StepLog(db, row.id, row.attempt);
  const attempt: Attempt = { launched: null, runId: null, status: "failed", error: null, started: new Date() };
  const held: { job?: JobHandle; kind?: string; runId?: number } = {};
  let outputs: Awaited<ReturnType<typeof collectOutputs>>["outputs"] = {};
  let cachedFrom: StepRunRow | null = null;
  let cacheKey: string | null = null;
  let step: StepDefinition | undefined;
  const heartbeat = setInterval(() => {
    void updateHeld(db, row.id, { heartbeatAt: new Date() }).then((still) => {
      // Cancelled, or taken over by another Kiln that thought this one dead: stop at once.
      if (!still && held.job && held.kind) void jobRunner(held.kind).stopJob(held.job.state);
    }).catch(() => {});
  }, HEARTBEAT_MS);
  try {
    const [run] = await db.select().from(pipelineRuns).where(eq(pipelineRuns.id, row.pipelineRunId));
    const [version] = await db.select().from(pipelineVersions).where(eq(pipelineVersions.id, run!.versionId));
    const [pipeline] = await db.select().from(pipelines).where(eq(pipelines.id, run!.pipelineId));
    const [owner] = await db.select().from(users).where(eq(users.id, run!.ownerId));
    step = version!.definition.steps.find((s) => s.name === row.step);
    if (!step || !owner || !pipeline) throw new Error(`step "${row.step}" is not in version ${run!.version} of its pipeline`);
    const params = Object.fromEntries(Object.entries(step.parameters).map(([k, v]) => [k, k in run!.params ? run!.params[k] : v]));
    const upstream = await db.select().from(pipelineStepRuns).where(eq(pipelineStepRuns.pipelineRunId, run!.id));
    const inputs = await resolveInputs(db, step, run!.pins, upstream);
    const opts = await resolveOptions(db, { image: step.image, cpu: step.resources.cpu, memory: step.resources.memory_mb, gpus: step.resources.gpus ?? 0 } as never);
    const kind = defaultSpawner();
    const runner = jobRunner(kind);
    const digest = await runner.imageId(opts.image.reference);

    if (step.cache) {
      cacheKey = cacheKeyOf(step, digest, params, inputs);
      [cachedFrom = null] = await db
        .select({ s: pipelineStepRuns })
        .from(pipelineStepRuns)
        .innerJoin(pipelineRuns, eq(pipelineRuns.id, pipelineStepRuns.pipelineRunId))
        .where(and(eq(pipelineStepRuns.cacheKey, cacheKey), eq(pipelineStepRuns.status, "succeeded"), eq(pipelineRuns.ownerId, owner.id)))
        .orderBy(desc(pipelineStepRuns.id))
        .limit(1)
        .then((r) => r.map((x) => x.s));
      if (cachedFrom) {
        outputs = cachedFrom.outputs;
        attempt.runId = cachedFrom.runId;
        attempt.status = "succeeded";
        log.note(`Cached: the same code, image, parameters and inputs ran in pipeline run ${cachedFrom.pipelineRunId} (run ${cachedFrom.runId}); its outputs are reused and nothing was executed.`);
        return;
      }
    }

    const source: NotebookDoc = { nbformat: 4, nbformat_minor: 5, metadata: { kiln: { pipeline: pipeline.name, step: step.name } }, cells: [{ id: "step", cell_type: "code", source: step.code, metadata: {}, outputs: [], execution_count: null }] };
    const [tracked] = await db
      .insert(runs)
      .values({
        ownerId: owner.id, notebookId: null, notebookName: `${pipeline.name} / ${step.name}`, notebookRevision: run!.version, kind: "step", status: "running",
        image: opts.image.name, imageDigest: digest, source, injected: params,
        resources: { cpu: opts.cpu, memory_mb: opts.memoryMb, gpus: opts.gpus, gpu_ids: [] },
      })
      .returning();
    attempt.runId = tracked!.id;
    await updateHeld(db, row.id, { runId: tracked!.id, cacheKey });
    await pinInputs(db, tracked!.id, inputs);

    const description = { pipeline: pipeline.name, step: step.name, code: step.code, parameters: params, inputs, outputs: step.outputs };
    held.runId = tracked!.id;
    const { code, timedOut } = await runTrackedJob(db, {
      owner, runId: tracked!.id, spawner: kind, image: opts.image, cpu: opts.cpu, memoryMb: opts.memoryMb, gpus: opts.gpus,
      holder: { kind: "step", id: String(row.id) }, description, timeoutS: step.timeout_s, log,
      env: { KILN_PIPELINE: pipeline.name, KILN_STEP_NAME: step.name, KILN_STEP_ATTEMPT: String(row.attempt) },
      tokenNote: `pipeline ${pipeline.name}, step ${step.name}: the kiln module`,
      stillWanted: () => updateHeld(db, row.id, { heartbeatAt: new Date() }),
      started: async (spawnerKind, job) => {
        held.job = job;
        held.kind = spawnerKind;
        await updateHeld(db, row.id, { process: { spawner: spawnerKind, state: job.state as Record<string, unknown> } });
      },
      launched: async (spawnerKind, state) => {
        attempt.launched = new Date();
        await updateHeld(db, row.id, { process: { spawner: spawnerKind, state } });
      },
    });
    if (timedOut) throw new Error(`The step ran longer than its timeout (${step.timeout_s} s) and was stopped`);
    if (code !== 0) throw new Error(log.lastLine() || `The step exited with status ${code}`);
    const collected = await collectOutputs(db, tracked!.id, owner.id, step);
    if (collected.missing.length)
      throw new Error(`The step ended without its declared output${collected.missing.length > 1 ? "s" : ""} ${collected.missing.map((m) => `"${m}"`).join(", ")} (save ${collected.missing.length > 1 ? "them" : "it"} with kiln.output(name, ...))`);
    outputs = collected.outputs;
    attempt.status = "succeeded";
  } catch (e) {
    attempt.error = (e as Error).message;
    logger().info({ stepRun: row.id, attempt: row.attempt, err: (e as Error).message }, "a pipeline step attempt failed");
  } finally {
    clearInterval(heartbeat);
    // The exited container is removed beside the next steps' start (runTrackedJob): not on the
    // pipeline's path. A lost Kiln's takeover removes it too.
    await finish(db, row, step, log, attempt, { outputs, cachedFrom, cacheKey });
    if (held.runId) await removalOf(held.runId);
  }
}

/** Records the attempt: the step's tracked run ends, and the step succeeds, is retried after a backoff, or fails. */
async function finish(db: Db, row: StepRunRow, step: StepDefinition | undefined, log: StepLog, a: Attempt, o: { outputs: StepRunRow["outputs"]; cachedFrom: StepRunRow | null; cacheKey: string | null }) {
  if (a.error) log.note(`Attempt ${row.attempt} failed: ${a.error}`);
  if (a.runId && !o.cachedFrom)
    await db.update(runs).set({ status: a.status === "succeeded" ? "finished" : "failed", error: a.error, endedAt: new Date() }).where(and(eq(runs.id, a.runId), eq(runs.status, "running")));
  const record: StepAttempt = { attempt: row.attempt, run_id: a.runId, status: a.status, error: a.error, started_at: a.started.toISOString(), launched_at: a.launched?.toISOString() ?? null, ended_at: new Date().toISOString() };
  const attempts = [...row.attempts, record];
  const failures = attempts.filter((x) => x.status === "failed").length;
  const retry = a.status === "failed" && step !== undefined && failures <= step.retries;
  const dueAt = new Date(Date.now() + backoffMs(failures));
  if (retry) log.note(`Retrying in ${Math.round(backoffMs(failures) / 1000)} s (retry ${failures} of ${step.retries})`);
  await log.close();
  const now = new Date();
  const held = await updateHeld(
    db,
    row.id,
    a.status === "succeeded"
      ? { status: o.cachedFrom ? "cached" : "succeeded", outputs: o.outputs, cachedFromId: o.cachedFrom?.id ?? null, runId: a.runId, cacheKey: o.cacheKey, attempts, endedAt: now, worker: null, process: null }
      : retry
        ? { status: "queued", readyAt: dueAt, attempts, worker: null, process: null, error: a.error }
        : { status: "failed", error: a.error, attempts, endedAt: now, worker: null, process: null },
  );
  if (!held) {
    // Cancelled meanwhile: the attempt is recorded as such (a takeover records its own "lost").
    const [now] = await db.select({ status: pipelineStepRuns.status }).from(pipelineStepRuns).where(eq(pipelineStepRuns.id, row.id));
    if (now?.status === "cancelled") {
      await db.update(pipelineStepRuns).set({ attempts: [...row.attempts, { ...record, status: "cancelled", error: "Cancelled" }] }).where(eq(pipelineStepRuns.id, row.id));
      if (a.runId && !o.cachedFrom) await db.update(runs).set({ status: "killed", error: "Cancelled" }).where(eq(runs.id, a.runId));
    }
    await advance(db, row.pipelineRunId);
    return;
  }
  if (retry) await enqueueSteps(db, [row.id], dueAt);
  else await advance(db, row.pipelineRunId);
}

/**
 * A step whose Kiln died, taken over by this one (its row's worker is this process's takeover
 * mark): if its container is still there it is adopted (its kernel-API socket listened on
 * again, its output followed from now on, its exit awaited) and the attempt ends as it would
 * have, its outputs collected. Answers false when it cannot be (the caller retries the step).
 */
export async function adoptStep(db: Db, s: StepRunRow, takeoverMark: string): Promise<boolean> {
  if (!s.process || !s.runId) return false;
  const job = await adoptRunningJob(s.process.spawner, s.process.state, s.runId);
  if (!job) return false;
  const [row] = await db
    .update(pipelineStepRuns)
    .set({ worker: WORKER_ID, heartbeatAt: new Date() })
    .where(and(eq(pipelineStepRuns.id, s.id), eq(pipelineStepRuns.worker, takeoverMark), eq(pipelineStepRuns.status, "running")))
    .returning();
  if (!row) return true; // cancelled meanwhile: the cancel stops its container
  const runId = s.runId;
  const spawnerKind = s.process.spawner;
  void (async () => {
    const log = new StepLog(db, row.id, row.attempt);
    const attempt: Attempt = { launched: null, runId, status: "failed", error: null, started: row.startedAt ?? new Date() };
    let step: StepDefinition | undefined;
    let outputs: StepRunRow["outputs"] = {};
    try {
      const [run] = await db.select().from(pipelineRuns).where(eq(pipelineRuns.id, row.pipelineRunId));
      const [version] = await db.select().from(pipelineVersions).where(eq(pipelineVersions.id, run!.versionId));
      step = version!.definition.steps.find((d) => d.name === row.step);
      const [{ stored } = { stored: 0 }] = await db.select({ stored: sql<number>`coalesce(max(${stepLogs.sourceOffset}), 0)::bigint` }).from(stepLogs).where(and(eq(stepLogs.stepRunId, row.id), eq(stepLogs.attempt, row.attempt)));
      const { code, timedOut } = await followAdoptedJob(db, {
        spawner: spawnerKind, job, runId, holder: { kind: "step", id: String(row.id) }, log, storedBytes: Number(stored), what: "step",
        deadline: attempt.started.getTime() + (step?.timeout_s ?? 3600) * 1000, heartbeat: () => updateHeld(db, row.id, { heartbeatAt: new Date() }),
      });
      if (timedOut) throw new Error(`The step ran longer than its timeout (${step?.timeout_s} s) and was stopped`);
      if (code !== 0) throw new Error(log.lastLine() || `The step exited with status ${code}`);
      const collected = await collectOutputs(db, runId, run!.ownerId, step!);
      if (collected.missing.length) throw new Error(`The step ended without its declared outputs ${collected.missing.map((m) => `"${m}"`).join(", ")}`);
      outputs = collected.outputs;
      attempt.status = "succeeded";
    } catch (e) {
      attempt.error = (e as Error).message;
    } finally {
      await finish(db, row, step, log, attempt, { outputs, cachedFrom: null, cacheKey: row.cacheKey });
      await removalOf(runId);
    }
  })().catch((e) => logger().error({ err: e, stepRun: s.id }, "an adopted step crashed"));
  return true;
}
