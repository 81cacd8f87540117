import { desc, eq } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { generateToken, hashToken } from "../auth/token-secret";
import type { Db } from "../db";
import { type EndpointRow, endpointEvents, endpoints, endpointTraffic, type ModelVersionRow, modelVersions, models, users } from "../db/schema";
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError, isUniqueViolation } from "../errors";
import { actingUserId, requireOwnModel } from "../models/access";
import { resolveVersion } from "../models/registry";
import { forgetEndpoint, refreshEndpoint } from "./live";
import { servingProcess } from "./process/parent";

export const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Endpoints are their owner's and admins' to see and change (callers of a public one see only /v2 metadata). */
export async function requireEndpoint(ctx: Ctx, name: string): Promise<EndpointRow> {
  if (!ctx.actor) throw new UnauthorizedError();
  const [row] = await ctx.db.select().from(endpoints).where(eq(endpoints.name, name));
  const mine = row && ctx.actor.kind === "user" && ctx.actor.user.id === row.ownerId;
  if (!row || !(mine || isAdmin(ctx.actor))) throw new NotFoundError(`No such endpoint: ${name}`);
  return row;
}

async function record(ctx: Ctx, endpointId: number, action: string, detail: Record<string, unknown>) {
  await ctx.db.insert(endpointEvents).values({ endpointId, action, detail, actorId: ctx.actor?.kind === "user" ? ctx.actor.user.id : null });
}

/** Which versions answer now, heaviest first. */
async function trafficOf(db: Db, endpointId: number) {
  const rows = await db
    .select({ version: modelVersions.version, weight: endpointTraffic.weight })
    .from(endpointTraffic)
    .innerJoin(modelVersions, eq(modelVersions.id, endpointTraffic.versionId))
    .where(eq(endpointTraffic.endpointId, endpointId));
  return rows.sort((a, b) => b.weight - a.weight || b.version - a.version);
}

export async function describeEndpoint(ctx: Ctx, row: EndpointRow) {
  const [[model], [owner], traffic, history] = await Promise.all([
    ctx.db.select({ id: models.id, name: models.name }).from(models).where(eq(models.id, row.modelId)),
    ctx.db.select({ name: users.name }).from(users).where(eq(users.id, row.ownerId)),
    trafficOf(ctx.db, row.id),
    ctx.db
      .select({ action: endpointEvents.action, detail: endpointEvents.detail, at: endpointEvents.at, by: users.name })
      .from(endpointEvents)
      .leftJoin(users, eq(users.id, endpointEvents.actorId))
      .where(eq(endpointEvents.endpointId, row.id))
      .orderBy(desc(endpointEvents.id))
      .limit(100),
  ]);
  return {
    name: row.name, owner: owner?.name ?? "", model: model?.name ?? "", model_id: row.modelId, public: row.public, state: row.state,
    max_batch: row.maxBatch, max_wait_ms: row.maxWaitMs, gate: row.gate ?? null, sample_rate: row.sampleRate, created_at: row.createdAt.toISOString(),
    url: `/serve/${row.name}/predict`, v2_url: `/v2/models/${row.name}`,
    traffic,
    history: history.map((h) => ({ action: h.action, detail: h.detail, at: h.at.toISOString(), by: h.by })),
  };
}

/**
 * Moves an endpoint's traffic: the new versions are loaded in the serving process first, the
 * rows change in one transaction, and the routing is replaced in one step (here, then in the
 * serving process), so every request is answered by the old traffic or the new, never by none. setTraffic and the
 * promotion gate both move traffic this way.
 */
export async function routeTraffic(db: Db, endpoint: EndpointRow, routes: { version: ModelVersionRow; weight: number }[]): Promise<void> {
  const [model] = await db.select({ name: models.name }).from(models).where(eq(models.id, endpoint.modelId));
  for (const r of routes) await servingProcess().warm({ ...endpoint, modelName: model?.name ?? "" }, { version: r.version, signature: r.version.signature });
  await db.transaction(async (tx) => {
    await tx.delete(endpointTraffic).where(eq(endpointTraffic.endpointId, endpoint.id));
    await tx.insert(endpointTraffic).values(routes.map((r) => ({ endpointId: endpoint.id, versionId: r.version.id, weight: r.weight })));
  });
  await refreshEndpoint(endpoint.name);
}

export interface CreateEndpointInput {
  name: string;
  model_id: number;
  version: string;
  public: boolean;
  max_batch: number;
  max_wait_ms: number;
}

/** Serves a model version (or an alias's version, read now) at /serve/{name}; answers its token once. */
export async function createEndpoint({ ctx, input }: { ctx: Ctx; input: CreateEndpointInput }) {
  if (!ENDPOINT_NAME.test(input.name)) throw new ValidationError("name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100", "name");
  const ownerId = actingUserId(ctx);
  const model = await requireOwnModel(ctx, input.model_id);
  const version = await resolveVersion(ctx.db, model.id, input.version).catch(() => {
    throw new ValidationError(`version: model ${model.name} has no version or alias ${JSON.stringify(input.version)}`, "version");
  });
  const token = generateToken();
  let row: EndpointRow;
  try {
    row = await ctx.db.transaction(async (tx) => {
      const [e] = await tx
        .insert(endpoints)
        .values({ ownerId, name: input.name, modelId: model.id, public: input.public, tokenHash: hashToken(token), maxBatch: input.max_batch, maxWaitMs: input.max_wait_ms })
        .returning();
      await tx.insert(endpointTraffic).values({ endpointId: e!.id, versionId: version.id, weight: 100 });
      return e!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`name: an endpoint ${input.name} exists already`, "name");
    throw e;
  }
  await record(ctx, row.id, "created", { version: version.version, requested: input.version });
  await servingProcess().warm({ ...row, modelName: model.name }, { version, signature: version.signature }); // loaded before its first request
  await refreshEndpoint(row.name);
  return { ...(await describeEndpoint(ctx, row)), token };
}

export async function listEndpoints({ ctx }: { ctx: Ctx }) {
  if (!ctx.actor) throw new UnauthorizedError();
  const rows = isAdmin(ctx.actor)
    ? await ctx.db.select().from(endpoints).orderBy(endpoints.name)
    : ctx.actor.kind === "user"
      ? await ctx.db.select().from(endpoints).where(eq(endpoints.ownerId, ctx.actor.user.id)).orderBy(endpoints.name)
      : [];
  return { endpoints: await Promise.all(rows.map((r) => describeEndpoint(ctx, r))) };
}

export async function getEndpoint({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  return describeEndpoint(ctx, await requireEndpoint(ctx, input.name));
}

/** Which versions answer, by weight: one version is a swap or a rollback, two a canary (moved by routeTraffic). */
export async function setTraffic({ ctx, input }: { ctx: Ctx; input: { name: string; traffic: { version: string; weight: number }[]; reason?: string } }) {
  const row = await requireEndpoint(ctx, input.name);
  if (!input.traffic.length) throw new ValidationError("traffic: at least one version", "traffic");
  const resolved: { v: Awaited<ReturnType<typeof resolveVersion>>; weight: number }[] = [];
  for (const [i, t] of input.traffic.entries()) {
    const v = await resolveVersion(ctx.db, row.modelId, t.version).catch(() => {
      throw new ValidationError(`traffic[${i}].version: no version or alias ${JSON.stringify(t.version)} of this endpoint's model`, `traffic[${i}].version`);
    });
    if (resolved.some((r) => r.v.id === v.id)) throw new ValidationError(`traffic[${i}].version: v${v.version} is named twice`, `traffic[${i}].version`);
    resolved.push({ v, weight: t.weight });
  }
  if (resolved.every((r) => r.weight === 0)) throw new ValidationError("traffic: some version must have a weight above 0", "traffic");
  const before = await trafficOf(ctx.db, row.id);
  await routeTraffic(ctx.db, row, resolved.map((r) => ({ version: r.v, weight: r.weight })));
  const after = resolved.map((r) => ({ version: r.v.version, weight: r.weight }));
  await record(ctx, row.id, after.length > 1 ? "canary" : "deploy", { before, after, ...(input.reason ? { reason: input.reason } : {}) });
  return describeEndpoint(ctx, row);
}

export async function patchEndpoint({ ctx, input }: { ctx: Ctx; input: { name: string; state?: "running" | "stopped"; public?: boolean; max_batch?: number; max_wait_ms?: number } }) {
  const row = await requireEndpoint(ctx, input.name);
  const set: Partial<EndpointRow> = {};
  if (input.state !== undefined) set.state = input.state;
  if (input.public !== undefined) set.public = input.public;
  if (input.max_batch !== undefined) set.maxBatch = input.max_batch;
  if (input.max_wait_ms !== undefined) set.maxWaitMs = input.max_wait_ms;
  if (Object.keys(set).length) {
    await ctx.db.update(endpoints).set(set).where(eq(endpoints.id, row.id));
    await record(ctx, row.id, input.state === "stopped" ? "stopped" : input.state === "running" ? "started" : "changed", { ...input, name: undefined });
  }
  await refreshEndpoint(row.name);
  const [fresh] = await ctx.db.select().from(endpoints).where(eq(endpoints.id, row.id));
  return describeEndpoint(ctx, fresh!);
}

/** A new token for a private endpoint; the old one stops working at once (here) or within a second (elsewhere). */
export async function rotateEndpointToken({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  const row = await requireEndpoint(ctx, input.name); // its owner or an admin
  const token = generateToken();
  await ctx.db.update(endpoints).set({ tokenHash: hashToken(token) }).where(eq(endpoints.id, row.id));
  await record(ctx, row.id, "token rotated", {});
  await refreshEndpoint(row.name);
  return { token };
}

export async function deleteEndpoint({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  const row = await requireEndpoint(ctx, input.name);
  await ctx.db.delete(endpoints).where(eq(endpoints.id, row.id));
  await forgetEndpoint(row.name);
}
