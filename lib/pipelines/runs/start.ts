import { and, desc, eq } from "drizzle-orm";
import type { Ctx } from "../../auth/principal";
import { findDataset } from "../../datasets/access";
import type { Db } from "../../db";
import { datasetVersions, pipelineRuns, pipelines, pipelineStepRuns, pipelineVersions, type PipelineTrigger } from "../../db/schema";
import { NotFoundError, ValidationError } from "../../errors";
import type { PipelineDefinition } from "../definition";
import { requirePipeline } from "../manage";
import { advance } from "./advance";
import { ownerCtx } from "./context";
import { pipelineRunModel } from "./read";

/** A run's parameters override the steps' of the same name; a name no step has is a mistake. */
function checkParams(def: PipelineDefinition, params: Record<string, unknown>) {
  const known = new Set(def.steps.flatMap((s) => Object.keys(s.parameters)));
  for (const [name, value] of Object.entries(params)) {
    if (!known.has(name)) throw new ValidationError(`No step of this pipeline has a parameter "${name}" (its parameters: ${[...known].join(", ") || "none"})`, `params.${name}`);
    if (value !== null && !["string", "number", "boolean"].includes(typeof value)) throw new ValidationError(`Parameter "${name}" is a string, number, boolean or null`, `params.${name}`);
  }
}

/**
 * The dataset versions a run's steps read, pinned when the run starts: each step input's
 * fixed version, else the dataset's latest (or the version a data trigger brought).
 */
async function pinDatasets(ctx: Ctx, def: PipelineDefinition, given: Record<number, number>): Promise<Record<string, number>> {
  const pins: Record<string, number> = {};
  for (const [i, step] of def.steps.entries())
    for (const [name, input] of Object.entries(step.inputs)) {
      if (!("dataset" in input)) continue;
      const field = `definition.steps.${i}.inputs.${name}`;
      const { row, owner } = await findDataset(ctx, input.dataset).catch((e) => {
        if (e instanceof NotFoundError) throw new ValidationError(`Step "${step.name}" reads dataset "${input.dataset}", which does not exist any more or its owner may not read`, field);
        throw e;
      });
      const [v] = await ctx.db
        .select({ id: datasetVersions.id })
        .from(datasetVersions)
        .where(
          input.version !== undefined ? and(eq(datasetVersions.datasetId, row.id), eq(datasetVersions.version, input.version))
          : given[row.id] !== undefined ? eq(datasetVersions.id, given[row.id]!)
          : eq(datasetVersions.datasetId, row.id),
        )
        .orderBy(desc(datasetVersions.version))
        .limit(1);
      if (!v) throw new ValidationError(`Step "${step.name}" reads ${owner}:${row.name}${input.version ? ` version ${input.version}` : ""}, which has no such version yet`, field);
      pins[String(row.id)] = v.id;
    }
  return pins;
}

/**
 * Starts a run of a pipeline's latest version: its steps, all waiting, and the first ones
 * (those that read no other step) queued. `pinned` (dataset id -> version id): versions a
 * data trigger brought, used where the definition does not fix one.
 */
export async function beginRun(db: Db, pipelineId: number, o: { trigger: PipelineTrigger; params?: Record<string, unknown>; pinned?: Record<number, number> }) {
  const [version] = await db.select().from(pipelineVersions).where(eq(pipelineVersions.pipelineId, pipelineId)).orderBy(desc(pipelineVersions.version)).limit(1);
  if (!version) throw new NotFoundError(`Pipeline ${pipelineId} has no version`);
  const [pipeline] = await db.select().from(pipelines).where(eq(pipelines.id, pipelineId));
  if (!pipeline) throw new NotFoundError(`No such pipeline: ${pipelineId}`);
  const params = o.params ?? {};
  checkParams(version.definition, params);
  const pins = await pinDatasets(await ownerCtx(db, pipeline.ownerId), version.definition, o.pinned ?? {});
  const run = await db.transaction(async (tx) => {
    const [r] = await tx
      .insert(pipelineRuns)
      .values({ pipelineId, versionId: version.id, version: version.version, ownerId: pipeline.ownerId, status: "running", trigger: o.trigger, params, pins })
      .returning();
    await tx.insert(pipelineStepRuns).values(version.definition.steps.map((s) => ({ pipelineRunId: r!.id, step: s.name, status: "waiting" as const })));
    return r!;
  });
  await advance(db, run.id);
  return run;
}

/** POST /api/pipelines/{id}/runs: "Run now", with parameters. Its owner (or an admin) only. */
export async function runPipeline({ ctx, input }: { ctx: Ctx; input: { id: number; params: Record<string, unknown> } }) {
  const row = await requirePipeline(ctx, input.id, true);
  const by = ctx.actor?.kind === "user" ? ctx.actor.user.id : row.ownerId;
  const run = await beginRun(ctx.db, row.id, { trigger: { kind: "manual", user_id: by }, params: input.params });
  return pipelineRunModel(ctx.db, run.id);
}
