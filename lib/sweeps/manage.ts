import crypto from "node:crypto";
import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { type NotebookDoc, sweeps, sweepTrials, type SweepRow, users } from "../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from "../errors";
import type { PipelineDefinition } from "../pipelines/definition";
import { getPipeline, requirePipeline } from "../pipelines/manage";
import { requireOwnNotebook } from "../notebooks/find";
import { parameterNames } from "../runs/run-parameters";
import { resolveOptions } from "../servers/options";
import { checkAsha, type CreateSweep } from "./definition";
import { claimSweeps } from "./controller";
import { stopTrial } from "./stop";
import { makeStrategy, parseSpace } from "./strategies";
import { readStepLogRows } from "./trial-logs";

function visible(ctx: Ctx): SQL | undefined {
  if (!ctx.actor) throw new UnauthorizedError();
  if (isAdmin(ctx.actor)) return undefined;
  return ctx.actor.kind === "user" ? eq(sweeps.ownerId, ctx.actor.user.id) : eq(sweeps.id, -1);
}

export async function requireSweep(ctx: Ctx, id: number): Promise<SweepRow> {
  const [row] = await ctx.db.select().from(sweeps).where(and(eq(sweeps.id, id), visible(ctx)));
  if (!row) throw new NotFoundError(`No such sweep: ${id}`);
  return row;
}

async function notebookTarget(ctx: Ctx, id: number) {
  const nb = await requireOwnNotebook(ctx, id);
  return { ownerId: nb.ownerId, notebookId: nb.id, pipelineId: null, name: nb.name, revision: nb.revision, source: nb.content, known: parameterNames(nb.content.cells), resources: {} };
}

/** A pipeline's latest version: its steps' parameters are what a space may name; its trials ask for the most GPUs a step does. */
async function pipelineTarget(ctx: Ctx, id: number) {
  const p = await getPipeline({ ctx, input: { id } });
  const row = await requirePipeline(ctx, id, true);
  const steps = (p.definition as PipelineDefinition).steps;
  const known = [...new Set(steps.flatMap((s) => Object.keys(s.parameters)))];
  const gpus = Math.max(0, ...steps.map((s) => s.resources.gpus ?? 0));
  return { ownerId: row.ownerId, notebookId: null, pipelineId: row.id, name: row.name, revision: p.version, source: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] } as NotebookDoc, known, resources: gpus ? { gpus } : {} };
}

/**
 * POST /api/sweeps: a sweep of one of your notebooks, as it is saved now, or of a pipeline. The space names
 * parameters the notebook's `parameters` cell assigns; a bad one is a 400 naming it.
 */
export async function createSweep({ ctx, input }: { ctx: Ctx; input: CreateSweep }) {
  if ((input.notebook_id === undefined) === (input.pipeline_id === undefined)) throw new ValidationError("A sweep runs a notebook or a pipeline: give notebook_id or pipeline_id", "notebook_id");
  const target = input.pipeline_id !== undefined ? await pipelineTarget(ctx, input.pipeline_id) : await notebookTarget(ctx, input.notebook_id!);
  const space = parseSpace(input.space, target.known);
  checkAsha(input.asha);
  const seed = input.seed ?? crypto.randomInt(0, 2 ** 31 - 1);
  makeStrategy({ kind: input.strategy, space, seed, options: input.options }); // its options, checked now
  if (input.notebook_id !== undefined) await resolveOptions(ctx.db, { image: input.resources.image, cpu: input.resources.cpu, memory: input.resources.memory_mb, gpus: input.resources.gpus ?? 0 } as never);
  const [row] = await ctx.db
    .insert(sweeps)
    .values({
      ownerId: target.ownerId, notebookId: target.notebookId, pipelineId: target.pipelineId, notebookName: target.name, notebookRevision: target.revision, source: target.source, space, objective: input.objective,
      strategy: input.strategy, options: input.options ?? null, asha: input.asha ?? null, budget: input.budget, seed, resources: { ...input.resources, ...target.resources }, timeoutS: input.timeout_s, status: "running",
    })
    .returning();
  await claimSweeps(ctx.db); // its first trials start now, from this Kiln
  return sweepModel(ctx, row!.id);
}

/** A sweep with its trials, the best one marked. */
export async function sweepModel(ctx: Ctx, id: number) {
  const [row] = await ctx.db.select({ s: sweeps, owner: users.name }).from(sweeps).innerJoin(users, eq(users.id, sweeps.ownerId)).where(eq(sweeps.id, id));
  if (!row) throw new NotFoundError(`No such sweep: ${id}`);
  const s = row.s;
  const trials = await ctx.db.select().from(sweepTrials).where(eq(sweepTrials.sweepId, id)).orderBy(asc(sweepTrials.number));
  const scored = trials.filter((t) => t.status === "succeeded" && t.objective !== null);
  const best = scored.sort((a, b) => (s.objective.goal === "minimize" ? a.objective! - b.objective! : b.objective! - a.objective!))[0];
  return {
    id: s.id, owner: row.owner, notebook_id: s.notebookId, pipeline_id: s.pipelineId, notebook: s.notebookName, notebook_revision: s.notebookRevision, space: s.space, objective: s.objective,
    strategy: s.strategy, options: s.options, asha: s.asha, budget: s.budget, seed: s.seed, resources: s.resources, timeout_s: s.timeoutS, status: s.status, error: s.error,
    created_at: s.createdAt.toISOString(), ended_at: s.endedAt?.toISOString() ?? null, best_trial: best?.number ?? null,
    trials: trials.map((t) => ({
      number: t.number, params: t.params, status: t.status, run_id: t.runId, pipeline_run_id: t.pipelineRunId, objective: t.objective, steps: t.steps, rung: t.rung, attempt: t.attempt, gpus: t.gpus, error: t.error,
      decided_at: t.decidedAt.toISOString(), launched_at: t.launchedAt?.toISOString() ?? null, started_at: t.startedAt?.toISOString() ?? null, ended_at: t.endedAt?.toISOString() ?? null,
      duration_ms: t.startedAt && t.endedAt ? t.endedAt.getTime() - t.startedAt.getTime() : null,
      gpu_seconds: t.startedAt ? Math.round((t.gpus * ((t.endedAt ?? new Date()).getTime() - t.startedAt.getTime())) / 1000) : 0,
    })),
  };
}

export async function getSweep({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  await requireSweep(ctx, input.id);
  return sweepModel(ctx, input.id);
}

export async function listSweeps({ ctx }: { ctx: Ctx }) {
  const rows = await ctx.db.select({ s: sweeps, owner: users.name }).from(sweeps).innerJoin(users, eq(users.id, sweeps.ownerId)).where(visible(ctx)).orderBy(desc(sweeps.id)).limit(200);
  const counts = rows.length ? await ctx.db.select({ sweepId: sweepTrials.sweepId, status: sweepTrials.status }).from(sweepTrials).where(inArray(sweepTrials.sweepId, rows.map((r) => r.s.id))) : [];
  return {
    sweeps: rows.map(({ s, owner }) => ({
      id: s.id, owner, notebook_id: s.notebookId, notebook: s.notebookName, strategy: s.strategy, objective: s.objective, status: s.status,
      trials: counts.filter((c) => c.sweepId === s.id).length, max_trials: s.budget.max_trials, created_at: s.createdAt.toISOString(), ended_at: s.endedAt?.toISOString() ?? null,
    })),
  };
}

/** POST /api/sweeps/{id}/cancel: no new trial starts; running ones are stopped (their containers removed, GPUs freed). */
export async function cancelSweep({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const s = await requireSweep(ctx, input.id);
  if (!isAdmin(ctx.actor) && !(ctx.actor?.kind === "user" && ctx.actor.user.id === s.ownerId)) throw new ForbiddenError("Only the sweep's owner may cancel it");
  const [ended] = await ctx.db.update(sweeps).set({ status: "cancelled", error: "Cancelled", endedAt: new Date(), worker: null }).where(and(eq(sweeps.id, s.id), eq(sweeps.status, "running"))).returning();
  if (!ended) throw new ConflictError(`Sweep ${s.id} has already ended (${s.status})`);
  const stopped = await ctx.db.update(sweepTrials).set({ status: "cancelled", error: "Cancelled", endedAt: new Date() }).where(and(eq(sweepTrials.sweepId, s.id), inArray(sweepTrials.status, ["queued", "running"]))).returning();
  for (const t of stopped) await stopTrial(ctx.db, t);
  return sweepModel(ctx, s.id);
}

/** GET /api/sweeps/{id}/trials/{number}/log?after=N: a trial's terminal output. */
export async function trialLog({ ctx, input }: { ctx: Ctx; input: { id: number; number: number; after: number } }) {
  await requireSweep(ctx, input.id);
  const [t] = await ctx.db.select().from(sweepTrials).where(and(eq(sweepTrials.sweepId, input.id), eq(sweepTrials.number, input.number)));
  if (!t) throw new NotFoundError(`Sweep ${input.id} has no trial ${input.number}`);
  const chunks = await readStepLogRows(ctx.db, t.id, input.after);
  return { number: t.number, status: t.status, chunks, next: chunks.at(-1)?.id ?? input.after, done: !["queued", "running"].includes(t.status) && chunks.length < 500 };
}
