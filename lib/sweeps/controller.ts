import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db";
import { gpuRequests, gpus, metricPoints, runs, type SweepRow, sweeps, sweepTrials, type TrialRow } from "../db/schema";
import { effectiveQuota, gpusHeld } from "../gpus/quotas";
import { logger } from "../log";
import { WORKER_ID } from "../jobs/worker";
import { Asha, makeStrategy, nextTrialNumber, parseSpace, type Strategy, type Trial } from "./strategies";
import { stopTrial } from "./stop";
import { adoptPipelineTrial, executePipelineTrial, stepRunIds } from "./pipeline-trial";
import { adoptTrial, executeTrial } from "./trial";

/** A sweep (or a trial) whose Kiln has not touched it for this long is taken over. */
export const SWEEP_STALE_MS = 10_000;
const TICK_MS = 500;

const KEY = Symbol.for("kiln.sweepControllers");
type G = typeof globalThis & { [KEY]?: Map<number, Controller> };
const controllers = (): Map<number, Controller> => ((globalThis as G)[KEY] ??= new Map());

/** The library minimises: a maximised metric is negated on the way in. */
const signed = (s: SweepRow, v: number | null) => (v === null ? null : s.objective.goal === "maximize" ? -v : v);

function historyOf(s: SweepRow, trials: TrialRow[], reports: Map<number, { step: number; value: number }[]>): Trial[] {
  return trials.map((t) => ({
    number: t.number, params: t.params,
    status: t.status === "queued" || t.status === "running" ? "running" : t.status === "cancelled" ? "failed" : t.status,
    objective: signed(s, t.objective), reports: reports.get(t.id) ?? [],
  })) as Trial[];
}

/**
 * One sweep's controller, in the Kiln that holds its lease: each tick it renews the lease,
 * takes back trials whose Kiln went quiet (their container removed, the trial queued again
 * as its next attempt: the same number and parameters, never two at once), prunes with
 * ASHA, starts trials up to the parallel limit and the budget, and ends the sweep when
 * nothing is left to run.
 */
class Controller {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly strategy: Strategy;
  private readonly asha: Asha | null;
  constructor(private readonly db: Db, private sweep: SweepRow) {
    const space = parseSpace(sweep.space);
    this.strategy = makeStrategy({ kind: sweep.strategy, space, seed: sweep.seed, options: sweep.options ?? undefined });
    this.asha = sweep.asha ? new Asha({ minResource: sweep.asha.min_steps, maxResource: sweep.asha.max_steps, reductionFactor: sweep.asha.eta }) : null;
  }

  start() {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      void this.tick()
        .catch((e) => logger().warn({ err: e, sweep: this.sweep.id }, "sweep tick failed"))
        .finally(() => (this.busy = false));
    }, TICK_MS);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    controllers().delete(this.sweep.id);
  }

  private async tick() {
    const db = this.db;
    const [held] = await db.update(sweeps).set({ heartbeatAt: new Date() }).where(and(eq(sweeps.id, this.sweep.id), eq(sweeps.worker, WORKER_ID), eq(sweeps.status, "running"))).returning();
    if (!held) return this.stop(); // cancelled, or another Kiln took it
    this.sweep = held;
    let trials = await db.select().from(sweepTrials).where(eq(sweepTrials.sweepId, held.id)).orderBy(asc(sweepTrials.number));

    // Trials whose Kiln went quiet: their container goes first, then they run again.
    const stale = new Date(Date.now() - SWEEP_STALE_MS);
    for (const t of trials.filter((x) => x.status === "running" && x.worker !== WORKER_ID && (!x.heartbeatAt || x.heartbeatAt < stale))) {
      const [taken] = await db.update(sweepTrials).set({ worker: `takeover:${WORKER_ID}`, heartbeatAt: new Date() }).where(and(eq(sweepTrials.id, t.id), eq(sweepTrials.status, "running"), or(isNull(sweepTrials.heartbeatAt), lt(sweepTrials.heartbeatAt, stale)))).returning();
      if (!taken) continue;
      // Its container (or pipeline run) may have run on without its Kiln: followed again, the trial is not run twice.
      if ((await adoptPipelineTrial(db, held, taken)) || (await adoptTrial(db, held, taken))) {
        logger().warn({ sweep: held.id, trial: t.number }, "re-adopted a trial whose Kiln stopped");
        continue;
      }
      await stopTrial(db, taken);
      if (taken.runId) await db.update(runs).set({ status: "failed", error: `Lost: the Kiln running this trial stopped; trial ${taken.number} runs again`, endedAt: new Date() }).where(and(eq(runs.id, taken.runId), eq(runs.status, "running")));
      await db.update(sweepTrials).set({ status: "queued", worker: null, process: null, runId: null, error: `Attempt ${taken.attempt} lost: its Kiln stopped; running it again` }).where(eq(sweepTrials.id, t.id));
      logger().warn({ sweep: held.id, trial: t.number }, "took over a trial whose Kiln stopped");
    }
    trials = await db.select().from(sweepTrials).where(eq(sweepTrials.sweepId, held.id)).orderBy(asc(sweepTrials.number));

    const reports = await this.reports(trials);
    if (this.asha) await this.prune(trials, reports);

    const overWall = held.budget.max_wall_s !== undefined && Date.now() - held.createdAt.getTime() > held.budget.max_wall_s * 1000;
    const gpuHours = trials.reduce((h, t) => h + (t.startedAt ? (t.gpus * ((t.endedAt ?? new Date()).getTime() - t.startedAt.getTime())) / 3_600_000 : 0), 0);
    const overGpu = held.budget.max_gpu_hours !== undefined && gpuHours >= held.budget.max_gpu_hours;
    if (overWall) await this.cancelActive(trials, "The sweep reached its wall-time budget");

    // Queued trials (taken back) run again first, then new ones, up to the limits: the
    // parallel limit, and for GPU trials the owner's quota (a sweep waits for room rather
    // than push its owner over it, or fail its trials on it).
    let active = trials.filter((t) => t.status === "running").length;
    let room = await this.gpuRoom();
    if (room === "never") return this.fail(`Each trial asks for ${held.resources.gpus} GPUs, more than the owner's quota allows at once`);
    const fits = () => room === "any" || (room as number) > 0;
    const take = () => void (typeof room === "number" && room--);
    for (const t of trials.filter((x) => x.status === "queued")) {
      if (active >= held.budget.max_parallel || overWall || !fits()) break;
      take();
      await this.launch(t);
      active++;
    }
    let exhausted = false;
    while (!overWall && !overGpu && active < held.budget.max_parallel && trials.length < held.budget.max_trials && fits()) {
      const params = this.strategy.suggest(historyOf(held, trials, reports));
      if (!params) {
        exhausted = true;
        break;
      }
      const number = nextTrialNumber(historyOf(held, trials, reports));
      const [t] = await db.insert(sweepTrials).values({ sweepId: held.id, number, params, status: "queued" }).onConflictDoNothing().returning();
      if (!t) break;
      trials.push(t);
      take();
      await this.launch(t);
      active++;
    }
    const left = trials.some((t) => t.status === "queued" || t.status === "running") || active > 0;
    if (!left && (trials.length >= held.budget.max_trials || exhausted || overWall || overGpu || (trials.length > 0 && this.strategy.suggest(historyOf(held, trials, reports)) === null))) {
      const ok = trials.some((t) => t.status === "succeeded");
      const why = [overWall ? "Its wall-time budget was reached" : overGpu ? "Its GPU-hour budget was reached" : null, ok ? null : "no trial succeeded"].filter(Boolean).join("; ") || null;
      await db.update(sweeps).set({ status: ok ? "succeeded" : "failed", error: why, endedAt: new Date(), worker: null }).where(and(eq(sweeps.id, held.id), eq(sweeps.worker, WORKER_ID)));
      this.stop();
    }
  }

  /** How many more GPU trials the owner's quota has room for now ("any": no GPUs or no quota). */
  private async gpuRoom(): Promise<number | "any" | "never"> {
    const per = this.sweep.resources.gpus ?? 0;
    if (per === 0) return "any";
    const q = await effectiveQuota(this.db, this.sweep.ownerId);
    if (q.maxGpus === null) return "any";
    if (per > q.maxGpus) return "never";
    const [{ waiting } = { waiting: 0 }] = await this.db.select({ waiting: sql<number>`coalesce(sum(${gpuRequests.count}), 0)::int` }).from(gpuRequests).where(eq(gpuRequests.userId, this.sweep.ownerId));
    // Trials started but not yet at the allocator (a moment between) count as asking.
    const running = await this.db.select({ id: sweepTrials.id }).from(sweepTrials).where(and(eq(sweepTrials.sweepId, this.sweep.id), eq(sweepTrials.status, "running")));
    const ids = running.map((r) => String(r.id));
    const seen = ids.length
      ? new Set([
          ...(await this.db.select({ id: gpuRequests.holderId }).from(gpuRequests).where(and(eq(gpuRequests.holderKind, "trial"), inArray(gpuRequests.holderId, ids)))).map((r) => r.id),
          ...(await this.db.select({ id: gpus.holderId }).from(gpus).where(and(eq(gpus.holderKind, "trial"), inArray(gpus.holderId, ids)))).map((r) => r.id!),
        ])
      : new Set<string>();
    const pending = ids.filter((id) => !seen.has(id)).length * per;
    const using = (await gpusHeld(this.db, this.sweep.ownerId)) + Number(waiting) + pending;
    return Math.max(0, Math.floor((q.maxGpus - using) / per));
  }

  private async fail(why: string) {
    await this.db.update(sweeps).set({ status: "failed", error: why, endedAt: new Date(), worker: null }).where(and(eq(sweeps.id, this.sweep.id), eq(sweeps.worker, WORKER_ID)));
    this.stop();
  }

  /** The objective metric's points of each trial's run so far, by trial id. */
  private async reports(trials: TrialRow[]) {
    const byRun = new Map(trials.filter((t) => t.runId && !t.pipelineRunId).map((t) => [t.runId!, t.id]));
    // A pipeline trial's metric comes from its steps' runs.
    const byPipelineRun = new Map(trials.filter((t) => t.pipelineRunId).map((t) => [t.pipelineRunId!, t.id]));
    for (const s of await stepRunIds(this.db, [...byPipelineRun.keys()])) byRun.set(s.runId, byPipelineRun.get(s.pipelineRunId)!);
    const out = new Map<number, { step: number; value: number }[]>();
    if (!byRun.size || !this.asha) return out;
    const points = await this.db
      .select({ runId: metricPoints.runId, step: metricPoints.step, value: metricPoints.value })
      .from(metricPoints)
      .where(and(inArray(metricPoints.runId, [...byRun.keys()]), eq(metricPoints.key, this.sweep.objective.metric)))
      .orderBy(asc(metricPoints.step));
    for (const p of points) {
      const id = byRun.get(p.runId)!;
      const list = out.get(id) ?? [];
      list.push({ step: p.step, value: signed(this.sweep, p.value)! });
      out.set(id, list);
    }
    return out;
  }

  /**
   * ASHA, one report at a time as it came (a batch of flushed points is judged point by
   * point): a trial in the bottom of a rung is pruned, its container stopped. The last step
   * judged is kept in the row, so a controller taking over judges no rung twice.
   */
  private async prune(trials: TrialRow[], reports: Map<number, { step: number; value: number }[]>) {
    const all = historyOf(this.sweep, trials, reports);
    for (const t of trials.filter((x) => x.status === "running")) {
      const mine = reports.get(t.id) ?? [];
      let judged = t.steps;
      for (let i = 0; i < mine.length; i++) {
        if (mine[i]!.step <= judged) continue;
        const upTo = { ...all.find((x) => x.number === t.number)!, reports: mine.slice(0, i + 1) };
        const d = this.asha!.shouldStop(upTo, all);
        judged = mine[i]!.step;
        if (!d.stop) continue;
        const [pruned] = await this.db
          .update(sweepTrials)
          .set({ status: "pruned", rung: d.rung, steps: judged, endedAt: new Date(), error: `Pruned at rung ${d.rung! + 1} (step ${this.asha!.rungs[d.rung!]}): not in the top 1/${this.sweep.asha!.eta} there` })
          .where(and(eq(sweepTrials.id, t.id), eq(sweepTrials.status, "running")))
          .returning();
        if (pruned) await stopTrial(this.db, pruned);
        break;
      }
      if (judged > t.steps) await this.db.update(sweepTrials).set({ steps: judged }).where(and(eq(sweepTrials.id, t.id), eq(sweepTrials.status, "running")));
    }
  }

  private async cancelActive(trials: TrialRow[], why: string) {
    for (const t of trials.filter((x) => x.status === "running" || x.status === "queued")) {
      const [c] = await this.db.update(sweepTrials).set({ status: "cancelled", error: why, endedAt: new Date() }).where(and(eq(sweepTrials.id, t.id), inArray(sweepTrials.status, ["running", "queued"]))).returning();
      if (c) await stopTrial(this.db, c);
    }
  }

  private async launch(t: TrialRow) {
    const [claimed] = await this.db
      .update(sweepTrials)
      .set({ status: "running", worker: WORKER_ID, heartbeatAt: new Date(), attempt: t.attempt + 1, startedAt: new Date(), endedAt: null })
      .where(and(eq(sweepTrials.id, t.id), eq(sweepTrials.status, "queued")))
      .returning();
    if (!claimed) return;
    const run = this.sweep.pipelineId ? executePipelineTrial(this.db, this.sweep, claimed) : executeTrial(this.db, this.sweep, claimed);
    void run.catch((e) => logger().error({ err: e, trial: t.id }, "a sweep trial crashed"));
  }
}

/** Every Kiln, each second: takes the lease of running sweeps nobody holds (new, or their Kiln went quiet) and controls them. */
export async function claimSweeps(db: Db): Promise<void> {
  const stale = new Date(Date.now() - SWEEP_STALE_MS);
  const free = await db
    .update(sweeps)
    .set({ worker: WORKER_ID, heartbeatAt: new Date() })
    .where(and(eq(sweeps.status, "running"), or(isNull(sweeps.worker), isNull(sweeps.heartbeatAt), lt(sweeps.heartbeatAt, stale))))
    .returning();
  for (const s of free) {
    if (controllers().has(s.id)) continue;
    try {
      const c = new Controller(db, s);
      controllers().set(s.id, c);
      c.start();
    } catch (e) {
      await db.update(sweeps).set({ status: "failed", error: (e as Error).message, endedAt: new Date(), worker: null }).where(eq(sweeps.id, s.id));
    }
  }
}

export function stopSweepControllers() {
  for (const c of [...controllers().values()]) c.stop();
}
