import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db";
import { pipelineRuns, pipelineStepRuns, pipelineVersions, type StepRunStatus } from "../../db/schema";
import { logger } from "../../log";
import { upstreamOf } from "../definition";
import { enqueueSteps } from "./queue";
import { notifyRunEnded } from "./webhook";

const DONE_OK: StepRunStatus[] = ["succeeded", "cached"];
const DONE_BAD: StepRunStatus[] = ["failed", "cancelled", "skipped"];
const ACTIVE: StepRunStatus[] = ["waiting", "queued", "running"];

/**
 * Moves a pipeline run forward, under a lock on its row (two steps ending at once advance
 * it one after the other): waiting steps whose inputs are all there are queued; those
 * behind a failed step are skipped; when no step is left to run, the run ends. The queued
 * steps are sent to the job queue after the commit.
 */
export async function advance(db: Db, pipelineRunId: number): Promise<void> {
  const outcome = await db.transaction(async (tx) => {
    const [run] = await tx.select().from(pipelineRuns).where(eq(pipelineRuns.id, pipelineRunId)).for("update");
    if (!run || run.status !== "running") return null;
    const [version] = await tx.select().from(pipelineVersions).where(eq(pipelineVersions.id, run.versionId));
    const steps = await tx.select().from(pipelineStepRuns).where(eq(pipelineStepRuns.pipelineRunId, run.id));
    const status = new Map(steps.map((s) => [s.step, s.status]));
    const ready: number[] = [];
    const skipped: { id: number; why: string }[] = [];
    for (const s of steps) {
      if (s.status !== "waiting") continue;
      const def = version!.definition.steps.find((d) => d.name === s.step);
      const ups = def ? upstreamOf(def) : [];
      const bad = ups.find((u) => DONE_BAD.includes(status.get(u)!));
      if (bad) {
        skipped.push({ id: s.id, why: `Not run: step "${bad}" ${status.get(bad) === "skipped" ? "was not run" : status.get(bad)}` });
        status.set(s.step, "skipped");
      } else if (ups.every((u) => DONE_OK.includes(status.get(u)!))) ready.push(s.id);
    }
    const now = new Date();
    if (ready.length) await tx.update(pipelineStepRuns).set({ status: "queued", readyAt: now }).where(and(inArray(pipelineStepRuns.id, ready), eq(pipelineStepRuns.status, "waiting")));
    for (const s of skipped) await tx.update(pipelineStepRuns).set({ status: "skipped", error: s.why, endedAt: now }).where(eq(pipelineStepRuns.id, s.id));
    for (const id of ready) status.set(steps.find((s) => s.id === id)!.step, "queued");
    const left = [...status.values()].some((v) => ACTIVE.includes(v));
    if (left) return { ready, ended: null };
    const failed = steps.filter((s) => ["failed"].includes(status.get(s.step)!)).map((s) => s.step);
    const ended = failed.length ? "failed" as const : "succeeded" as const;
    await tx.update(pipelineRuns).set({ status: ended, error: failed.length ? `Step${failed.length > 1 ? "s" : ""} ${failed.map((f) => `"${f}"`).join(", ")} failed` : null, endedAt: now }).where(eq(pipelineRuns.id, run.id));
    return { ready, ended };
  });
  if (!outcome) return;
  if (outcome.ready.length) await enqueueSteps(db, outcome.ready);
  if (outcome.ended) void notifyRunEnded(db, pipelineRunId).catch((e: unknown) => logger().warn({ err: e, pipelineRun: pipelineRunId }, "pipeline webhook failed"));
}
