import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../db";
import { pipelineRuns, pipelineStepRuns, type SweepRow, sweepTrials, type TrialRow } from "../db/schema";
import { WORKER_ID } from "../jobs/worker";
import { logger } from "../log";
import { stopPipelineRun } from "../pipelines/runs/cancel";
import { beginRun } from "../pipelines/runs/start";
import { objectiveOf, updateRunningTrial } from "./trial";

const WATCH_MS = 500;

/**
 * A pipeline sweep's trial: a run of the pipeline's latest version with the trial's
 * parameters (its steps run, retry and are taken over as any pipeline run's), watched to its
 * end. The objective is the metric's value in the last step run that logged it, and that
 * step's run becomes the trial's run (its model is the one "Register best model" offers).
 */
export async function executePipelineTrial(db: Db, sweep: SweepRow, trial: TrialRow): Promise<void> {
  try {
    let runId = trial.pipelineRunId;
    if (!runId) {
      const run = await beginRun(db, sweep.pipelineId!, { trigger: { kind: "sweep", sweep_id: sweep.id, trial: trial.number }, params: trial.params });
      runId = run.id;
      if (!(await updateRunningTrial(db, trial.id, { pipelineRunId: runId, launchedAt: new Date() }))) {
        await stopPipelineRun(db, runId, null, "Its sweep trial was stopped").catch(() => {});
        return;
      }
    }
    await watch(db, sweep, trial, runId);
  } catch (e) {
    logger().info({ trial: trial.id, err: (e as Error).message }, "a pipeline sweep trial failed");
    await updateRunningTrial(db, trial.id, { status: "failed", error: (e as Error).message, endedAt: new Date(), worker: null });
  }
}

/** A trial whose Kiln died: its pipeline run went on without it, so this Kiln watches it again. */
export async function adoptPipelineTrial(db: Db, sweep: SweepRow, trial: TrialRow): Promise<boolean> {
  if (!trial.pipelineRunId) return false;
  const [mine] = await db.update(sweepTrials).set({ worker: WORKER_ID, heartbeatAt: new Date() }).where(and(eq(sweepTrials.id, trial.id), eq(sweepTrials.worker, `takeover:${WORKER_ID}`), eq(sweepTrials.status, "running"))).returning();
  if (mine) void watch(db, sweep, mine, trial.pipelineRunId).catch((e) => logger().error({ err: e, trial: trial.id }, "a pipeline sweep trial's watch crashed"));
  return true;
}

async function watch(db: Db, sweep: SweepRow, trial: TrialRow, runId: number) {
  for (;;) {
    if (!(await updateRunningTrial(db, trial.id, { heartbeatAt: new Date() }))) {
      // Pruned or cancelled by the controller: the pipeline run stops too.
      const [r] = await db.select({ status: pipelineRuns.status }).from(pipelineRuns).where(eq(pipelineRuns.id, runId));
      if (r?.status === "running") await stopPipelineRun(db, runId, null, "Its sweep trial was stopped").catch(() => {});
      const scored = await objectiveOfRun(db, sweep, runId);
      await db.update(sweepTrials).set({ objective: scored.objective, runId: scored.runId }).where(eq(sweepTrials.id, trial.id));
      return;
    }
    const [run] = await db.select().from(pipelineRuns).where(eq(pipelineRuns.id, runId));
    if (!run || (run.status !== "running" && run.status !== "queued")) {
      const scored = await objectiveOfRun(db, sweep, runId);
      const ok = run?.status === "succeeded";
      await updateRunningTrial(db, trial.id, {
        status: ok ? "succeeded" : "failed", error: ok ? null : (run?.error ?? "The pipeline run is gone"), objective: scored.objective, runId: scored.runId, endedAt: new Date(), worker: null,
      });
      return;
    }
    await new Promise((r) => setTimeout(r, WATCH_MS));
  }
}

/** The step runs of a pipeline run that have tracked runs, in the order they ran. */
export async function stepRunIds(db: Db, pipelineRunIds: number[]): Promise<{ pipelineRunId: number; runId: number }[]> {
  if (!pipelineRunIds.length) return [];
  const rows = await db
    .select({ pipelineRunId: pipelineStepRuns.pipelineRunId, runId: pipelineStepRuns.runId })
    .from(pipelineStepRuns)
    .where(and(inArray(pipelineStepRuns.pipelineRunId, pipelineRunIds), isNotNull(pipelineStepRuns.runId)))
    .orderBy(asc(pipelineStepRuns.startedAt));
  return rows.map((r) => ({ pipelineRunId: r.pipelineRunId, runId: r.runId! }));
}

async function objectiveOfRun(db: Db, sweep: SweepRow, pipelineRunId: number) {
  let found: { objective: number | null; runId: number | null } = { objective: null, runId: null };
  for (const s of await stepRunIds(db, [pipelineRunId])) {
    const v = await objectiveOf(db, sweep, s.runId);
    if (v !== null) found = { objective: v, runId: s.runId };
  }
  return found;
}
