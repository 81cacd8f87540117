import { eq } from "drizzle-orm";
import { generateToken, hashToken, tokenPrefix } from "../auth/token-secret";
import type { Db } from "../db";
import { apiTokens, runs, type UserRow } from "../db/schema";
import { type Holder, releaseGpus, requestGpus, waitForGpus } from "../gpus/allocator";
import { spawner } from "../spawners/registry";
import { logger } from "../log";
import type { JobHandle, JobRunner, SpawnerState } from "../spawners/types";
import type { StepLog } from "./log";
import { WORKER_ID } from "./worker";

export function jobRunner(kind: string): JobRunner {
  const s = spawner(kind) as unknown as Partial<JobRunner>;
  if (!s.runJob || !s.stopJob || !s.imageId || !s.adoptJob) throw new Error(`the ${kind} spawner cannot run jobs`);
  return s as JobRunner;
}

/** Where a job's terminal output goes (a step's or a trial's log). */
export interface JobLog {
  output(chunk: Buffer): void;
  note(line: string): void;
}

export interface TrackedJobSpec {
  owner: UserRow;
  /** The tracked run the job is: its token writes there, its container is named by it. */
  runId: number;
  spawner: string;
  image: { name: string; reference: string };
  cpu: number;
  memoryMb: number;
  gpus: number;
  /** Who holds its GPUs in the allocator ("step", "trial"). */
  holder: Holder;
  /** What the runner reads: {code | cells, parameters, inputs, outputs}. */
  description: Record<string, unknown>;
  env: Record<string, string>;
  tokenNote: string;
  timeoutS: number;
  log: JobLog;
  /** After a wait (GPUs): whether the job is still wanted (not cancelled, not taken over). */
  stillWanted: () => Promise<boolean>;
  /** The job's process, for whoever must stop it from elsewhere (its row). */
  started: (spawnerKind: string, handle: JobHandle) => Promise<void>;
  /** As the container is asked for, with the state that stops it (keep it: a takeover needs it). */
  launched?: (spawnerKind: string, state: Record<string, unknown>) => Promise<void> | void;
}

/**
 * Runs a tracked run's program in a fresh container (or process): GPUs from the allocator
 * (waiting in its fair queue, so never over the owner's quota), a token of the run for the
 * kiln module (its routes only, deleted at the end), the output to the log, a timeout.
 * Answers the exit status; the exited container's removal is under way (`removalOf`), off
 * the caller's path. GPUs and the token are given back before it answers.
 */
export async function runTrackedJob(db: Db, o: TrackedJobSpec): Promise<{ code: number; timedOut: boolean }> {
  const runner = jobRunner(o.spawner);
  let tokenId: number | null = null;
  let job: JobHandle | null = null;
  try {
    let gpuIds: string[] = [];
    if (o.gpus > 0) {
      const answer = await requestGpus(db, { holder: o.holder, userId: o.owner.id, count: o.gpus, image: o.image.reference, wait: true });
      if (answer.state === "queued") o.log.note(`Waiting for ${o.gpus} GPU${o.gpus > 1 ? "s" : ""}: position ${answer.position} of ${answer.of}`);
      gpuIds = answer.state === "granted" ? answer.uuids : await waitForGpus(db, o.holder, () => {});
      await db.update(runs).set({ resources: { cpu: o.cpu, memory_mb: o.memoryMb, gpus: o.gpus, gpu_ids: gpuIds } }).where(eq(runs.id, o.runId));
      // A wait can be long: the job may have been cancelled (or taken over) meanwhile.
      if (!(await o.stillWanted())) throw new Error("Cancelled while it waited for GPUs");
      o.log.note(`GPU${gpuIds.length > 1 ? "s" : ""} granted: ${gpuIds.join(", ")}`);
    }
    const token = generateToken();
    const [t] = await db.insert(apiTokens).values({ userId: o.owner.id, runId: o.runId, hash: hashToken(token), prefix: tokenPrefix(token), note: o.tokenNote }).returning({ id: apiTokens.id });
    tokenId = t!.id;
    job = await runner.runJob({
      runId: o.runId, userId: o.owner.id, user: o.owner.name, legacyHome: o.owner.legacyHome, image: o.image.reference,
      cpu: o.cpu, memoryMb: o.memoryMb, gpuIds, homeWritable: false,
      env: { KILN_USER: o.owner.name, KILN_SERVER_TOKEN: token, KILN_EXECUTION_ID: `job-${o.runId}`, ...o.env },
      files: { "step.json": JSON.stringify(o.description) },
      command: ["python3", "-m", "kiln.run_step", "{api}/step.json"],
      onLaunch: (state) => o.launched?.(o.spawner, state as Record<string, unknown>),
    });
    await o.started(o.spawner, job);
    job.output.on("data", (b: Buffer) => o.log.output(b));
    let timedOut = false;
    const started = job;
    const timer = setTimeout(() => {
      timedOut = true;
      void runner.stopJob(started.state);
    }, o.timeoutS * 1000);
    const code = await job.exit.finally(() => clearTimeout(timer));
    await new Promise((r) => setImmediate(r)); // the last output chunk before the exit's
    return { code, timedOut };
  } finally {
    if (tokenId !== null) await db.delete(apiTokens).where(eq(apiTokens.id, tokenId)).catch(() => {});
    if (o.gpus > 0) await releaseGpus(db, o.holder, "job ended").catch(() => {});
    // The exited container goes beside whatever comes next (tens of milliseconds off the path).
    const removal = job ? runner.stopJob(job.state) : Promise.resolve();
    removals.set(o.runId, removal.catch(() => {}).finally(() => removals.delete(o.runId)));
  }
}

/** Removals under way, by run: a caller awaits its own after recording the job's end. */
const removals = new Map<number, Promise<void>>();
export const removalOf = (runId: number) => removals.get(runId) ?? Promise.resolve();

/** A job whose Kiln died, again, if it is still there (JobRunner.adoptJob); null when it is not. */
export async function adoptRunningJob(spawnerKind: string, state: SpawnerState, runId: number): Promise<JobHandle | null> {
  return jobRunner(spawnerKind)
    .adoptJob(state, runId)
    .catch((e) => {
      logger().warn({ err: e, run: runId }, "could not adopt a job's container");
      return null;
    });
}

/**
 * Follows an adopted job to its end as `runTrackedJob` follows one it started: its output
 * from where the dead Kiln stopped storing it, a heartbeat, what is left of its timeout;
 * then its token and GPUs go and its container is removed (`removalOf`).
 */
export async function followAdoptedJob(
  db: Db,
  o: { spawner: string; job: JobHandle; runId: number; holder: Holder; log: StepLog; storedBytes: number; deadline: number; heartbeat: () => Promise<unknown>; what: string },
): Promise<{ code: number; timedOut: boolean }> {
  const runner = jobRunner(o.spawner);
  o.log.resumeAfter(o.storedBytes);
  o.log.note(`Re-adopted by ${WORKER_ID}: the Kiln running this ${o.what} stopped; its container ran on`);
  o.job.output.on("data", (b: Buffer) => o.log.output(b));
  const beat = setInterval(() => void o.heartbeat().catch(() => {}), 2000);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void runner.stopJob(o.job.state);
  }, Math.max(1000, o.deadline - Date.now()));
  try {
    const code = await o.job.exit;
    await new Promise((r) => setImmediate(r)); // the last output chunk before the exit's
    return { code, timedOut };
  } finally {
    clearTimeout(timer);
    clearInterval(beat);
    await db.delete(apiTokens).where(eq(apiTokens.runId, o.runId)).catch(() => {});
    await releaseGpus(db, o.holder, `${o.what} ended`).catch(() => {});
    removals.set(o.runId, runner.stopJob(o.job.state).catch(() => {}).finally(() => removals.delete(o.runId)));
  }
}
