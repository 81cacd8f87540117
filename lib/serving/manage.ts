import { and, desc, eq, inArray } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { generateToken, hashToken } from "../auth/token-secret";
import { type EndpointRow, endpointEvents, endpoints, endpointTraffic, modelVersions, models, users } from "../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError, isUniqueViolation } from "../errors";
import { actingUserId, requireOwnModel } from "../models/access";
import { resolveVersion } from "../models/registry";
import { forgetEndpoint, liveEndpoint, refreshEndpoint } from "./live";
import { warmRoute } from "./serve";

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

export async function describeEndpoint(ctx: Ctx, row: EndpointRow) {
  const [model] = await ctx.db.select({ id: models.id, name: models.name }).from(models).where(eq(models.id, row.modelId));
  const [owner] = await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, row.ownerId));
  const traffic = await ctx.db
    .select({ version: modelVersions.version, weight: endpointTraffic.weight })
    .from(endpointTraffic)
    .innerJoin(modelVersions, eq(modelVersions.id, endpointTraffic.versionId))
    .where(eq(endpointTraffic.endpointId, row.id));
  const history = await ctx.db
    .select({ action: endpointEvents.action, detail: endpointEvents.detail, at: endpointEvents.at, by: users.name })
    .from(endpointEvents)
    .leftJoin(users, eq(users.id, endpointEvents.actorId))
    .where(eq(endpointEvents.endpointId, row.id))
    .orderBy(desc(endpointEvents.id))
    .limit(100);
  return {
    name: row.name, owner: owner?.name ?? "", model: model?.name ?? "", model_id: row.modelId, public: row.public, state: row.state,
    max_batch: row.maxBatch, max_wait_ms: row.maxWaitMs, gate: row.gate ?? null, sample_rate: row.sampleRate, created_at: row.createdAt.toISOString(),
    url: `/serve/${row.name}/predict`, v2_url: `/v2/models/${row.name}`,
    traffic: traffic.sort((a, b) => b.weight - a.weight || b.version - a.version),
    history: history.map((h) => ({ action: h.action, detail: h.detail, at: h.at.toISOString(), by: h.by })),
  };
}

/** Loads each version of the new traffic in this process first: a swap never waits on a load. */
async function warm(name: string): Promise<void> {
  await refreshEndpoint(name);
  const live = await liveEndpoint(name);
  if (live) for (const r of live.routes) await warmRoute(live, r);
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
  await warm(row.name);
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

/**
 * Which versions answer, by weight: one version is a swap or a rollback, two a canary. The
 * rows change in one transaction and the new versions are loaded first, so every request
 * is answered by the old traffic or the new, never by none.
 */
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
  const before = (await describeEndpoint(ctx, row)).traffic;
  // load the new versions here before any request is routed to them
  for (const r of resolved) await warmRoute({ id: row.id, name: row.name, modelName: "", public: row.public, tokenHash: row.tokenHash, state: row.state, maxBatch: row.maxBatch, maxWaitMs: row.maxWaitMs, sampleRate: row.sampleRate, routes: [] }, { version: r.v, signature: r.v.signature, weight: r.weight });
  await ctx.db.transaction(async (tx) => {
    await tx.delete(endpointTraffic).where(eq(endpointTraffic.endpointId, row.id));
    await tx.insert(endpointTraffic).values(resolved.map((r) => ({ endpointId: row.id, versionId: r.v.id, weight: r.weight })));
  });
  const after = resolved.map((r) => ({ version: r.v.version, weight: r.weight }));
  await record(ctx, row.id, after.length > 1 ? "canary" : "deploy", { before, after, ...(input.reason ? { reason: input.reason } : {}) });
  await refreshEndpoint(row.name);
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
  const row = await requireEndpoint(ctx, input.name);
  if (ctx.actor?.kind === "user" && ctx.actor.user.id !== row.ownerId && !isAdmin(ctx.actor)) throw new ForbiddenError();
  const token = generateToken();
  await ctx.db.update(endpoints).set({ tokenHash: hashToken(token) }).where(eq(endpoints.id, row.id));
  await record(ctx, row.id, "token rotated", {});
  await refreshEndpoint(row.name);
  return { token };
}

export async function deleteEndpoint({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  const row = await requireEndpoint(ctx, input.name);
  await ctx.db.delete(endpoints).where(eq(endpoints.id, row.id));
  forgetEndpoint(row.name);
}

/** The endpoints serving any version of these models (the model page lists them). */
export async function endpointsOfModels(ctx: Ctx, modelIds: number[]) {
  if (!modelIds.length) return [];
  return ctx.db.select({ name: endpoints.name, modelId: endpoints.modelId, state: endpoints.state }).from(endpoints).where(and(inArray(endpoints.modelId, modelIds)));
}
