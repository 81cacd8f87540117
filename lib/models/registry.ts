import { and, desc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { modelAliases, type ModelRow, modelVersions, type ModelVersionRow, models, users } from "../db/schema";
import { NotFoundError, ValidationError } from "../errors";
import { readableModels, requireOwnModel, requireReadableModel } from "./access";
import { modelBytes } from "./bytes";
import { promoteIfBetter } from "../serving/gate";
import { type RegisterInput, registerModel } from "./register";

export const ALIAS = /^[a-z][a-z0-9_-]{0,49}$/;

async function ownerNames(db: Db, rows: ModelRow[]) {
  const ids = [...new Set(rows.map((r) => r.ownerId))];
  if (!ids.length) return new Map<number, string>();
  return new Map((await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u.name]));
}

function versionModel(v: ModelVersionRow, aliases: string[]) {
  return {
    version: v.version, run_id: v.runId, artifact_path: v.artifactPath, size: v.size, sha256: v.sha256, signature: v.signature, metrics: v.metrics,
    lineage: v.lineage, description: v.description, aliases: aliases.sort(), created_at: v.createdAt.toISOString(),
  };
}
export type VersionModel = ReturnType<typeof versionModel>;

/** Models with their latest version and aliases, in a few statements whatever their number. */
async function modelModels(db: Db, rows: ModelRow[]) {
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  const [owners, versions, aliases] = await Promise.all([
    ownerNames(db, rows),
    db.select({ modelId: modelVersions.modelId, id: modelVersions.id, version: modelVersions.version }).from(modelVersions).where(inArray(modelVersions.modelId, ids)),
    db.select().from(modelAliases).where(inArray(modelAliases.modelId, ids)),
  ]);
  const numberOf = new Map(versions.map((v) => [v.id, v.version]));
  return rows.map((m) => {
    const mine = versions.filter((v) => v.modelId === m.id);
    return {
      id: m.id, name: m.name, owner: owners.get(m.ownerId) ?? "", description: m.description, public: m.public, created_at: m.createdAt.toISOString(),
      versions: mine.length, latest_version: mine.length ? Math.max(...mine.map((v) => v.version)) : null,
      aliases: Object.fromEntries(aliases.filter((a) => a.modelId === m.id).map((a) => [a.alias, numberOf.get(a.versionId) ?? null])),
    };
  });
}
export type ModelModel = Awaited<ReturnType<typeof modelModels>>[number];

export async function listModels({ ctx, input }: { ctx: Ctx; input: { name?: string; owner?: string } }) {
  const conds = [readableModels(ctx)];
  if (input.name) conds.push(eq(models.name, input.name));
  if (input.owner) {
    const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.name, input.owner));
    if (!u) return { models: [] };
    conds.push(eq(models.ownerId, u.id));
  }
  const rows = await ctx.db.select().from(models).where(and(...conds)).orderBy(desc(models.createdAt), desc(models.id)).limit(500);
  return { models: await modelModels(ctx.db, rows) };
}

/** A model with every version, newest first (the model page: metrics side by side, lineage). */
export async function getModel({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const m = await requireReadableModel(ctx, input.id);
  const [summary] = await modelModels(ctx.db, [m]);
  const [versions, aliases] = await Promise.all([
    ctx.db.select().from(modelVersions).where(eq(modelVersions.modelId, m.id)).orderBy(desc(modelVersions.version)),
    ctx.db.select().from(modelAliases).where(eq(modelAliases.modelId, m.id)),
  ]);
  return { ...summary!, version_list: versions.map((v) => versionModel(v, aliases.filter((a) => a.versionId === v.id).map((a) => a.alias))) };
}

/** A version by number, or by alias (`production`): the way endpoints and clients name one. */
export async function resolveVersion(db: Db, modelId: number, ref: string | number): Promise<ModelVersionRow> {
  const byNumber = typeof ref === "number" || /^\d+$/.test(ref);
  const [row] = byNumber
    ? await db.select().from(modelVersions).where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.version, Number(ref))))
    : await db
        .select({ v: modelVersions })
        .from(modelAliases)
        .innerJoin(modelVersions, eq(modelVersions.id, modelAliases.versionId))
        .where(and(eq(modelAliases.modelId, modelId), eq(modelAliases.alias, String(ref))))
        .then((rs) => rs.map((r) => r.v));
  if (!row) throw new NotFoundError(byNumber ? `No version ${ref} of model ${modelId}` : `No alias ${JSON.stringify(ref)} on model ${modelId}`);
  return row;
}

export async function getVersion({ ctx, input }: { ctx: Ctx; input: { id: number; version: string } }) {
  const m = await requireReadableModel(ctx, input.id);
  const v = await resolveVersion(ctx.db, m.id, input.version);
  const aliases = await ctx.db.select().from(modelAliases).where(eq(modelAliases.versionId, v.id));
  return versionModel(v, aliases.map((a) => a.alias));
}

export async function versionFile({ ctx, input }: { ctx: Ctx; input: { id: number; version: string } }) {
  const m = await requireReadableModel(ctx, input.id);
  const v = await resolveVersion(ctx.db, m.id, input.version);
  return { name: `${m.name}-v${v.version}.onnx`, bytes: await modelBytes(v.chunks, v.size) };
}

/** Points an alias at a version (made, or moved: one row, so readers see the old or the new). */
export async function setAlias({ ctx, input }: { ctx: Ctx; input: { id: number; alias: string; version: number } }) {
  if (!ALIAS.test(input.alias)) throw new ValidationError("alias: lower-case letters, digits, '_' and '-', starting with a letter, at most 50", "alias");
  const m = await requireOwnModel(ctx, input.id);
  const v = await resolveVersion(ctx.db, m.id, input.version).catch(() => {
    throw new ValidationError(`version: model ${m.name} has no version ${input.version}`, "version");
  });
  const by = ctx.actor?.kind === "user" ? ctx.actor.user.id : null;
  await ctx.db
    .insert(modelAliases)
    .values({ modelId: m.id, alias: input.alias, versionId: v.id, updatedBy: by })
    .onConflictDoUpdate({ target: [modelAliases.modelId, modelAliases.alias], set: { versionId: v.id, updatedBy: by, updatedAt: new Date() } });
  return getModel({ ctx, input: { id: m.id } });
}

export async function deleteAlias({ ctx, input }: { ctx: Ctx; input: { id: number; alias: string } }) {
  const m = await requireOwnModel(ctx, input.id);
  const gone = await ctx.db.delete(modelAliases).where(and(eq(modelAliases.modelId, m.id), eq(modelAliases.alias, input.alias))).returning();
  if (!gone.length) throw new NotFoundError(`No alias ${JSON.stringify(input.alias)} on model ${m.name}`);
}

export async function patchModel({ ctx, input }: { ctx: Ctx; input: { id: number; public?: boolean; description?: string } }) {
  const m = await requireOwnModel(ctx, input.id);
  const set: Partial<ModelRow> = {};
  if (input.public !== undefined) set.public = input.public;
  if (input.description !== undefined) set.description = input.description;
  if (Object.keys(set).length) await ctx.db.update(models).set(set).where(eq(models.id, m.id));
  return getModel({ ctx, input: { id: m.id } });
}

export async function deleteModel({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const m = await requireOwnModel(ctx, input.id);
  await ctx.db.delete(models).where(eq(models.id, m.id));
}

/** POST /api/models/versions (and the run page's button): registers, answers the model with the new version. */
export async function registerVersion({ ctx, input }: { ctx: Ctx; input: RegisterInput }) {
  const { model, version } = await registerModel(ctx, input);
  // endpoints of this model with a promotion gate compare the new version now
  await promoteIfBetter(ctx.db, version);
  const full = await getModel({ ctx, input: { id: model.id } });
  return { ...full, registered: full.version_list.find((v) => v.version === version.version)! };
}
