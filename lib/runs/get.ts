import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { type Db, getDatabase } from "../db";
import { groupIdsByName } from "../auth/sharing";
import { executions, gpuAllocations, pipelineRuns, pipelines, pipelineStepRuns, runArtifacts, runShares, runs } from "../db/schema";
import { NotFoundError } from "../errors";
import { recorder } from "../execution/recorder";
import { requireOwnRun, requireReadableRun } from "./access";
import { codeOfRuns } from "./code";
import { readSeries } from "./metrics";
import { runModels } from "./serialize";

/** A cell's outputs in a line: what the run page lists without loading every output. */
function outputSummary(outputs: unknown[]): string {
  const parts: string[] = [];
  for (const o of outputs as { output_type: string; name?: string; text?: string; ename?: string; data?: Record<string, unknown> }[]) {
    if (o.output_type === "stream") parts.push(`${o.name}: ${String(o.text ?? "").split("\n").filter(Boolean).length} lines`);
    else if (o.output_type === "error") parts.push(`error: ${o.ename}`);
    else parts.push(Object.keys(o.data ?? {}).find((k) => k.startsWith("image/")) ?? "text/plain");
  }
  return parts.join(", ");
}

/** For a step's tracked run: the pipeline run and step it was an attempt of. */
async function stepOfRun(ctx: Ctx, runId: number) {
  const [s] = await ctx.db
    .select({ pipelineRunId: pipelineStepRuns.pipelineRunId, step: pipelineStepRuns.step, attempts: pipelineStepRuns.attempts, pipelineId: pipelineRuns.pipelineId, pipeline: pipelines.name })
    .from(pipelineStepRuns)
    .innerJoin(pipelineRuns, eq(pipelineRuns.id, pipelineStepRuns.pipelineRunId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineRuns.pipelineId))
    .where(sql`${pipelineStepRuns.runId} = ${runId} or ${pipelineStepRuns.attempts} @> ${JSON.stringify([{ run_id: runId }])}::jsonb`)
    .limit(1);
  if (!s) return null;
  return { pipeline_id: s.pipelineId, pipeline: s.pipeline, pipeline_run_id: s.pipelineRunId, step: s.step, attempt: s.attempts.find((a) => a.run_id === runId)?.attempt ?? null };
}

export async function getRun({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const row = await requireReadableRun(ctx, input.id);
  await recorder().settle(); // cells that ended a moment ago are in their rows
  const [[model], cells, artifacts] = await Promise.all([
    runModels(ctx.db, [row]),
    ctx.db.select().from(executions).where(eq(executions.runId, row.id)).orderBy(asc(executions.id)),
    ctx.db.select().from(runArtifacts).where(eq(runArtifacts.runId, row.id)).orderBy(asc(runArtifacts.path)),
  ]);
  return {
    ...model!,
    cells: cells.map((c) => ({
      execution_id: c.id, cell_id: c.cellId, code: c.code, status: c.status, execution_count: c.executionCount,
      started_at: c.startedAt?.toISOString() ?? null, ended_at: c.endedAt?.toISOString() ?? null,
      duration_ms: c.startedAt && c.endedAt ? c.endedAt.getTime() - c.startedAt.getTime() : null,
      output_summary: outputSummary(c.outputs), error: c.error,
      // the page renders them as the notebook does; a failed cell's traceback is among them
      outputs: c.outputs,
    })),
    artifacts: artifacts.map((a) => ({ path: a.path, kind: a.kind, size: a.size, sha256: a.sha256, created_at: a.createdAt.toISOString(), metadata: a.metadata })),
    has_output: !!row.output,
    gpus: await runGpuSeconds(ctx.db, row),
    pipeline_step: row.kind === "step" ? await stepOfRun(ctx, row.id) : null,
  };
}

/**
 * The GPUs the run's server held while the run lasted, each with its GPU-seconds (the part of
 * each holding that falls within the run): what the run cost in the accounting's terms.
 */
async function runGpuSeconds(db: Db, run: { serverId: number | null; startedAt: Date; endedAt: Date | null }) {
  if (run.serverId === null) return [];
  const end = (run.endedAt ?? new Date()).toISOString();
  const rows = await db
    .select({
      uuid: gpuAllocations.gpuUuid, model: gpuAllocations.model,
      seconds: sql<string>`sum(greatest(0, extract(epoch from (least(coalesce(${gpuAllocations.endedAt}, now()), ${end}::timestamptz) - greatest(${gpuAllocations.startedAt}, ${run.startedAt.toISOString()}::timestamptz)))))`,
    })
    .from(gpuAllocations)
    .where(and(eq(gpuAllocations.holderKind, "server"), eq(gpuAllocations.holderId, String(run.serverId))))
    .groupBy(gpuAllocations.gpuUuid, gpuAllocations.model)
    .orderBy(asc(gpuAllocations.gpuUuid));
  return rows.map((r) => ({ uuid: r.uuid, model: r.model, gpu_seconds: Math.round(Number(r.seconds ?? 0) * 10) / 10 }));
}

export async function runSeries({ ctx, input }: { ctx: Ctx; input: { id: number; key: string; max_points: number; from?: number; to?: number; x?: "step" | "time" } }) {
  const row = await requireReadableRun(ctx, input.id);
  return readSeries(await getDatabase(), row.id, input.key, { maxPoints: input.max_points, from: input.from, to: input.to, withTime: input.x === "time" });
}

export async function runOutputNotebook({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const row = await requireReadableRun(ctx, input.id);
  if (!row.output) throw new NotFoundError("This run has no output notebook (only whole-notebook runs do)");
  return { name: `${row.notebookName}-run-${row.id}`, content: row.output };
}

/** Runs side by side: the params that differ, the metric names to overlay, and the code each ran (for its diff). */
export async function compareRuns({ ctx, input }: { ctx: Ctx; input: { ids: number[] } }) {
  const rows = await Promise.all(input.ids.map((id) => requireReadableRun(ctx, id)));
  const models = await runModels(ctx.db, rows);
  const keys = [...new Set(models.flatMap((m) => Object.keys(m.params)))].sort();
  const params = Object.fromEntries(keys.map((k) => [k, Object.fromEntries(models.map((m) => [String(m.id), m.params[k] ?? null]))]));
  const differing = keys.filter((k) => new Set(models.map((m) => m.params[k] ?? null)).size > 1);
  const metricKeys = [...new Set(models.flatMap((m) => Object.keys(m.metrics)))].sort();
  const code = await codeOfRuns(ctx.db, rows.map((r) => r.id));
  return { runs: models, params, differing_params: differing, metric_keys: metricKeys, code };
}

export async function patchRun({ ctx, input }: { ctx: Ctx; input: { id: number; public?: boolean; shared_groups?: string[] } }) {
  const row = await requireOwnRun(ctx, input.id);
  await ctx.db.transaction(async (tx) => {
    if (input.public !== undefined) await tx.update(runs).set({ public: input.public }).where(eq(runs.id, row.id));
    if (input.shared_groups) {
      const ids = await groupIdsByName(tx as unknown as Db, input.shared_groups);
      await tx.delete(runShares).where(eq(runShares.runId, row.id));
      if (ids.length) await tx.insert(runShares).values(ids.map((groupId) => ({ runId: row.id, groupId })));
    }
  });
  return (await runModels(ctx.db, [(await requireReadableRun(ctx, row.id))]))[0]!;
}

export async function requireArtifact(ctx: Ctx, runId: number, path: string) {
  const row = await requireReadableRun(ctx, runId);
  const [a] = await ctx.db.select().from(runArtifacts).where(and(eq(runArtifacts.runId, row.id), eq(runArtifacts.path, path)));
  if (!a) throw new NotFoundError(`No artifact ${path} in run ${runId}`);
  return a;
}
