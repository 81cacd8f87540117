import { and, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../../auth/principal";
import type { Db } from "../../db";
import { pipelineRuns, pipelineStepRuns } from "../../db/schema";
import { ConflictError } from "../../errors";
import { releaseGpus } from "../../gpus/allocator";
import { logger } from "../../log";
import { jobRunner } from "../../jobs/tracked-job";
import { pipelineRunModel, requirePipelineRun } from "./read";
import { notifyRunEnded } from "./webhook";

/**
 * POST /api/pipeline-runs/{id}/cancel (the pipeline's owner or an admin): steps not started
 * never will, running ones are stopped now (their container removed; the Kiln running each
 * sees the cancel at its next heartbeat and records the attempt).
 */
export async function cancelPipelineRun({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const run = await requirePipelineRun(ctx, input.id);
  const by = ctx.actor?.kind === "user" ? ctx.actor.user.id : null;
  await stopPipelineRun(ctx.db, run.id, by, "Cancelled");
  return pipelineRunModel(ctx.db, run.id);
}

/** Ends a running pipeline run (a cancel, a sweep pruning its trial): its steps stopped, its webhook told. */
export async function stopPipelineRun(db: Db, id: number, by: number | null, why: string) {
  const run = { id };
  const ctx = { db };
  const stopped = await ctx.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(pipelineRuns).where(eq(pipelineRuns.id, run.id)).for("update");
    if (locked!.status !== "running" && locked!.status !== "queued") throw new ConflictError(`Pipeline run ${run.id} has already ended (${locked!.status})`);
    const now = new Date();
    await tx.update(pipelineRuns).set({ status: "cancelled", cancelledBy: by, error: why, endedAt: now }).where(eq(pipelineRuns.id, run.id));
    return tx
      .update(pipelineStepRuns)
      .set({ status: "cancelled", error: why, endedAt: now, worker: null })
      .where(and(eq(pipelineStepRuns.pipelineRunId, run.id), inArray(pipelineStepRuns.status, ["waiting", "queued", "running"])))
      .returning();
  });
  for (const s of stopped) {
    // A step waiting for GPUs leaves the queue (its wait ends); one holding them gives them back now.
    await releaseGpus(ctx.db, { kind: "step", id: String(s.id) }, "pipeline run cancelled").catch(() => {});
    if (s.process) await jobRunner(s.process.spawner).stopJob(s.process.state).catch((e) => logger().warn({ err: e, stepRun: s.id }, "could not stop a cancelled step"));
  }
  void notifyRunEnded(ctx.db, run.id).catch((e: unknown) => logger().warn({ err: e, pipelineRun: run.id }, "pipeline webhook failed"));
}
