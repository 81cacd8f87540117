import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { findDataset } from "../datasets/access";
import { type PipelineRow, pipelines, pipelineVersions, users } from "../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from "../errors";
import { parseDefinition, type PipelineDefinition, topologicalOrder } from "./definition";

const PIPELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Who may see a pipeline: its owner and admins; anyone else is answered as if it did not exist (404). */
function visible(ctx: Ctx): SQL | undefined {
  if (!ctx.actor) throw new UnauthorizedError();
  if (isAdmin(ctx.actor)) return undefined;
  if (ctx.actor.kind !== "user") throw new ForbiddenError();
  return eq(pipelines.ownerId, ctx.actor.user.id);
}

export async function requirePipeline(ctx: Ctx, id: number, change = false): Promise<PipelineRow> {
  const [row] = await ctx.db.select().from(pipelines).where(and(eq(pipelines.id, id), visible(ctx)));
  if (!row) throw new NotFoundError(`No such pipeline: ${id}`);
  if (change && !isAdmin(ctx.actor) && !(ctx.actor?.kind === "user" && ctx.actor.user.id === row.ownerId)) throw new ForbiddenError("Only the pipeline's owner may change it");
  return row;
}

function actingUserId(ctx: Ctx): number {
  if (ctx.actor?.kind !== "user") throw new ForbiddenError("Pipelines belong to users: create them as one (the admin token has no namespace)");
  return ctx.actor.user.id;
}

/** Every dataset a step reads must be one its owner may read now (it is read again when a run starts). */
async function checkDatasets(ctx: Ctx, def: PipelineDefinition) {
  for (const [i, step] of def.steps.entries())
    for (const [name, input] of Object.entries(step.inputs)) {
      if (!("dataset" in input)) continue;
      await findDataset(ctx, input.dataset).catch((e) => {
        if (e instanceof NotFoundError) throw new ValidationError(`Step "${step.name}" reads input "${name}" from dataset "${input.dataset}", which does not exist or you may not read it`, `definition.steps.${i}.inputs.${name}.dataset`);
        throw e;
      });
    }
}

function detail(row: PipelineRow & { owner: string }, version: { version: number; definition: PipelineDefinition; createdAt: Date }, versions: { version: number; createdAt: Date }[]) {
  return {
    id: row.id, name: row.name, owner: row.owner, description: row.description,
    version: version.version, definition: version.definition, order: topologicalOrder(version.definition),
    versions: versions.map((v) => ({ version: v.version, created_at: v.createdAt.toISOString() })),
    webhook_url: row.webhookUrl,
    created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString(),
  };
}

async function load(ctx: Ctx, row: PipelineRow, version?: number) {
  const [owner] = await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, row.ownerId));
  const versions = await ctx.db
    .select({ version: pipelineVersions.version, createdAt: pipelineVersions.createdAt })
    .from(pipelineVersions)
    .where(eq(pipelineVersions.pipelineId, row.id))
    .orderBy(asc(pipelineVersions.version));
  const want = version ?? versions.at(-1)?.version;
  const [v] = await ctx.db.select().from(pipelineVersions).where(and(eq(pipelineVersions.pipelineId, row.id), eq(pipelineVersions.version, want ?? -1)));
  if (!v) throw new NotFoundError(`Pipeline ${row.id} has no version ${version}`);
  return detail({ ...row, owner: owner?.name ?? "" }, v, versions);
}

export async function createPipeline({ ctx, input }: { ctx: Ctx; input: { name: string; description?: string; definition: unknown } }) {
  const ownerId = actingUserId(ctx);
  if (!PIPELINE_NAME.test(input.name)) throw new ValidationError("A pipeline name is letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100", "name");
  const definition = parseDefinition(input.definition);
  await checkDatasets(ctx, definition);
  const row = await ctx.db.transaction(async (tx) => {
    const [p] = await tx.insert(pipelines).values({ ownerId, name: input.name, description: input.description ?? "" }).onConflictDoNothing().returning();
    if (!p) throw new ConflictError(`You already have a pipeline named "${input.name}"`);
    await tx.insert(pipelineVersions).values({ pipelineId: p.id, version: 1, definition, createdBy: ownerId });
    return p;
  });
  return load(ctx, row);
}

/** An edit: the next version (the ones before stay, and runs keep naming theirs). */
export async function updatePipeline({ ctx, input }: { ctx: Ctx; input: { id: number; description?: string; definition: unknown } }) {
  const row = await requirePipeline(ctx, input.id, true);
  const definition = parseDefinition(input.definition);
  await checkDatasets(ctx, definition);
  const by = ctx.actor?.kind === "user" ? ctx.actor.user.id : null;
  const updated = await ctx.db.transaction(async (tx) => {
    const [p] = await tx.select().from(pipelines).where(eq(pipelines.id, row.id)).for("update"); // edits one after another
    if (!p) throw new NotFoundError(`No such pipeline: ${input.id}`);
    const [{ next } = { next: 1 }] = await tx
      .select({ next: sql<number>`coalesce(max(${pipelineVersions.version}), 0)::int + 1` })
      .from(pipelineVersions)
      .where(eq(pipelineVersions.pipelineId, row.id));
    await tx.insert(pipelineVersions).values({ pipelineId: row.id, version: Number(next), definition, createdBy: by });
    const [changed] = await tx.update(pipelines).set({ updatedAt: new Date(), ...(input.description !== undefined ? { description: input.description } : {}) }).where(eq(pipelines.id, row.id)).returning();
    return changed!;
  });
  return load(ctx, updated);
}

export async function getPipeline({ ctx, input }: { ctx: Ctx; input: { id: number; version?: number } }) {
  return load(ctx, await requirePipeline(ctx, input.id), input.version);
}

export async function listPipelines({ ctx }: { ctx: Ctx }) {
  const rows = await ctx.db
    .select({ p: pipelines, owner: users.name, version: sql<number>`(select max(${pipelineVersions.version}) from ${pipelineVersions} where ${pipelineVersions.pipelineId} = ${pipelines.id})::int` })
    .from(pipelines)
    .innerJoin(users, eq(users.id, pipelines.ownerId))
    .where(visible(ctx))
    .orderBy(desc(pipelines.updatedAt));
  return {
    pipelines: rows.map(({ p, owner, version }) => ({
      id: p.id, name: p.name, owner, description: p.description, version: Number(version), created_at: p.createdAt.toISOString(), updated_at: p.updatedAt.toISOString(),
    })),
  };
}

export async function deletePipeline({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const row = await requirePipeline(ctx, input.id, true);
  await ctx.db.delete(pipelines).where(eq(pipelines.id, row.id));
}
