import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import { type Ctx, isAdmin } from "../../auth/principal";
import type { Db } from "../../db";
import { pipelineRuns, pipelines, pipelineStepRuns, type PipelineRunRow, type StepRunRow, users } from "../../db/schema";
import { NotFoundError, UnauthorizedError } from "../../errors";
import { requirePipeline } from "../manage";
import { readStepLog } from "../../jobs/log";

const iso = (d: Date | null) => d?.toISOString() ?? null;
const ms = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : null);

function stepModel(s: StepRunRow, byId: Map<number, StepRunRow>) {
  const from = s.cachedFromId ? byId.get(s.cachedFromId) : undefined;
  return {
    step: s.step, status: s.status, attempt: s.attempt, attempts: s.attempts, run_id: s.runId, outputs: s.outputs, error: s.error,
    cached_from: s.cachedFromId ? { step_run_id: s.cachedFromId, pipeline_run_id: from?.pipelineRunId ?? null, run_id: from?.runId ?? null } : null,
    ready_at: iso(s.readyAt), started_at: iso(s.startedAt), ended_at: iso(s.endedAt), duration_ms: ms(s.startedAt, s.endedAt),
  };
}

function runModel(r: PipelineRunRow, pipeline: string, owner: string) {
  return {
    id: r.id, pipeline_id: r.pipelineId, pipeline, owner, version: r.version, status: r.status, trigger: r.trigger, params: r.params, error: r.error,
    created_at: iso(r.createdAt), ended_at: iso(r.endedAt), duration_ms: ms(r.createdAt, r.endedAt),
  };
}

/** A pipeline run with its steps (each one's attempts, tracked run, outputs, and where a cached one came from). */
export async function pipelineRunModel(db: Db, id: number) {
  const [row] = await db.select({ r: pipelineRuns, name: pipelines.name, owner: users.name }).from(pipelineRuns).innerJoin(pipelines, eq(pipelines.id, pipelineRuns.pipelineId)).innerJoin(users, eq(users.id, pipelineRuns.ownerId)).where(eq(pipelineRuns.id, id));
  if (!row) throw new NotFoundError(`No such pipeline run: ${id}`);
  const steps = await db.select().from(pipelineStepRuns).where(eq(pipelineStepRuns.pipelineRunId, id)).orderBy(pipelineStepRuns.id);
  const sources = steps.map((s) => s.cachedFromId).filter((x): x is number => x !== null);
  const byId = new Map((sources.length ? await db.select().from(pipelineStepRuns).where(inArray(pipelineStepRuns.id, sources)) : []).map((s) => [s.id, s]));
  return { ...runModel(row.r, row.name, row.owner), steps: steps.map((s) => stepModel(s, byId)) };
}

/** Who may see a pipeline run: the pipeline's owner and admins (anyone else: 404). */
function visible(ctx: Ctx): SQL | undefined {
  if (!ctx.actor) throw new UnauthorizedError();
  if (isAdmin(ctx.actor)) return undefined;
  return ctx.actor.kind === "user" ? eq(pipelineRuns.ownerId, ctx.actor.user.id) : eq(pipelineRuns.id, -1);
}

export async function requirePipelineRun(ctx: Ctx, id: number): Promise<PipelineRunRow> {
  const [row] = await ctx.db.select().from(pipelineRuns).where(and(eq(pipelineRuns.id, id), visible(ctx)));
  if (!row) throw new NotFoundError(`No such pipeline run: ${id}`);
  return row;
}

export async function getPipelineRun({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  await requirePipelineRun(ctx, input.id);
  return pipelineRunModel(ctx.db, input.id);
}

/** A pipeline's runs, newest first; without a pipeline: every run the caller may see (an admin: everyone's). */
export async function listPipelineRuns({ ctx, input }: { ctx: Ctx; input: { pipelineId?: number; status?: string; limit: number } }) {
  if (input.pipelineId !== undefined) await requirePipeline(ctx, input.pipelineId);
  const rows = await ctx.db
    .select({ r: pipelineRuns, name: pipelines.name, owner: users.name })
    .from(pipelineRuns)
    .innerJoin(pipelines, eq(pipelines.id, pipelineRuns.pipelineId))
    .innerJoin(users, eq(users.id, pipelineRuns.ownerId))
    .where(and(visible(ctx), input.pipelineId !== undefined ? eq(pipelineRuns.pipelineId, input.pipelineId) : undefined, input.status ? eq(pipelineRuns.status, input.status as never) : undefined))
    .orderBy(desc(pipelineRuns.id))
    .limit(input.limit);
  const ids = rows.map((r) => r.r.id);
  const steps = ids.length ? await ctx.db.select({ p: pipelineStepRuns.pipelineRunId, step: pipelineStepRuns.step, status: pipelineStepRuns.status }).from(pipelineStepRuns).where(inArray(pipelineStepRuns.pipelineRunId, ids)) : [];
  return {
    runs: rows.map((r) => ({ ...runModel(r.r, r.name, r.owner), steps: steps.filter((s) => s.p === r.r.id).map((s) => ({ step: s.step, status: s.status })) })),
  };
}

/** A step's log after chunk `after`: what the page shows and follows (`done` once the step can write no more). */
export async function getStepLog({ ctx, input }: { ctx: Ctx; input: { id: number; step: string; after: number } }) {
  await requirePipelineRun(ctx, input.id);
  const [s] = await ctx.db.select().from(pipelineStepRuns).where(and(eq(pipelineStepRuns.pipelineRunId, input.id), eq(pipelineStepRuns.step, input.step)));
  if (!s) throw new NotFoundError(`Pipeline run ${input.id} has no step "${input.step}"`);
  const chunks = await readStepLog(ctx.db, s.id, input.after);
  const done = !["waiting", "queued", "running"].includes(s.status);
  return { step: s.step, status: s.status, attempt: s.attempt, chunks, next: chunks.at(-1)?.id ?? input.after, done: done && chunks.length < 500 };
}
