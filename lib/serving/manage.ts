import { desc, eq, inArray, sql } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { generateToken, hashToken } from "../auth/token-secret";
import { type Db, rowsOf } from "../db";
import { type EndpointRow, endpointEvents, endpoints, endpointTraffic, type ModelVersionRow, modelVersions, models, users } from "../db/schema";
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError, isUniqueViolation } from "../errors";
import { actingUserId, requireOwnModel } from "../models/access";
import { resolveVersion } from "../models/registry";
import { pacer, unpaced } from "../pace";
import { forgetEndpoint, liveEndpointOf, publishEndpoint, refreshEndpoint } from "./live";
import { servingProcess } from "./process/parent";

export const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** An endpoint's row with the names its description shows, read with it in one statement. */
export type NamedEndpoint = EndpointRow & { modelName: string; ownerName: string };

/** Endpoints with their model's and owner's names, in one statement (add `.where`, `.orderBy`; map rows with `named`). */
export function selectNamedEndpoints(db: Db) {
  return db
    .select({ e: endpoints, modelName: models.name, ownerName: users.name })
    .from(endpoints)
    .innerJoin(models, eq(models.id, endpoints.modelId))
    .innerJoin(users, eq(users.id, endpoints.ownerId));
}

export const named = (r: { e: EndpointRow; modelName: string; ownerName: string }): NamedEndpoint => ({ ...r.e, modelName: r.modelName, ownerName: r.ownerName });

/** Endpoints are their owner's and admins' to see and change (callers of a public one see only /v2 metadata). */
export async function requireEndpoint(ctx: Ctx, name: string): Promise<NamedEndpoint> {
  if (!ctx.actor) throw new UnauthorizedError();
  const [found] = await selectNamedEndpoints(ctx.db).where(eq(endpoints.name, name));
  const mine = found && ctx.actor.kind === "user" && ctx.actor.user.id === found.e.ownerId;
  if (!found || !(mine || isAdmin(ctx.actor))) throw new NotFoundError(`No such endpoint: ${name}`);
  return named(found);
}

async function record(ctx: Ctx, endpointId: number, action: string, detail: Record<string, unknown>) {
  await ctx.db.insert(endpointEvents).values({ endpointId, action, detail, actorId: ctx.actor?.kind === "user" ? ctx.actor.user.id : null });
}

const heaviestFirst = (a: { version: number; weight: number }, b: { version: number; weight: number }) => b.weight - a.weight || b.version - a.version;

type Traffic = { version: number; weight: number }[];

/** Which versions answer now, heaviest first, for each of the endpoints (one statement for them all). */
async function trafficOfEach(db: Db, endpointIds: number[]): Promise<Map<number, Traffic>> {
  const each = new Map<number, Traffic>(endpointIds.map((id) => [id, []]));
  if (!endpointIds.length) return each;
  const rows = await db
    .select({ endpointId: endpointTraffic.endpointId, version: modelVersions.version, weight: endpointTraffic.weight })
    .from(endpointTraffic)
    .innerJoin(modelVersions, eq(modelVersions.id, endpointTraffic.versionId))
    .where(inArray(endpointTraffic.endpointId, endpointIds));
  for (const r of rows) each.get(r.endpointId)?.push({ version: r.version, weight: r.weight });
  for (const t of each.values()) t.sort(heaviestFirst);
  return each;
}

/** What a list shows of an endpoint: its settings and traffic, not its history. */
function summarizeEndpoint(row: NamedEndpoint, traffic: Traffic) {
  return {
    name: row.name, owner: row.ownerName, model: row.modelName, model_id: row.modelId, public: row.public, state: row.state,
    max_batch: row.maxBatch, max_wait_ms: row.maxWaitMs, gate: row.gate ?? null, sample_rate: row.sampleRate, created_at: row.createdAt.toISOString(),
    url: `/serve/${row.name}/predict`, v2_url: `/v2/models/${row.name}`,
    traffic,
  };
}

/** What the API shows of one endpoint, with its deployment history; traffic already in hand is not read again. */
export async function describeEndpoint(ctx: Ctx, row: NamedEndpoint, known: { traffic?: Traffic } = {}) {
  const [traffic, history] = await Promise.all([
    known.traffic ?? trafficOfEach(ctx.db, [row.id]).then((each) => each.get(row.id)!),
    ctx.db
      .select({ action: endpointEvents.action, detail: endpointEvents.detail, at: endpointEvents.at, by: users.name })
      .from(endpointEvents)
      .leftJoin(users, eq(users.id, endpointEvents.actorId))
      .where(eq(endpointEvents.endpointId, row.id))
      .orderBy(desc(endpointEvents.id))
      .limit(100),
  ]);
  return {
    ...summarizeEndpoint(row, traffic),
    history: history.map((h) => ({ action: h.action, detail: h.detail, at: h.at.toISOString(), by: h.by })),
  };
}

/**
 * Moves an endpoint's traffic: the new versions are loaded in the serving process first, the
 * rows change in one statement, and the routing is replaced in one step (here, then in the
 * serving process), so every request is answered by the old traffic or the new, never by none. setTraffic and the
 * promotion gate both move traffic this way.
 *
 * It reads and writes as little as it can: its CPU is taken from the serving processes at the
 * very moment traffic moves (bench/serving.ts, `put_at_rest`). The routing pushed is built
 * from what was written, not read back; a change made meanwhile by another Kiln process shows
 * within the routing's refresh (live.ts), as it would after a read-back.
 */
export async function routeTraffic(db: Db, endpoint: NamedEndpoint, routes: { version: ModelVersionRow; weight: number }[], pace = unpaced): Promise<Traffic> {
  for (const r of routes) await servingProcess().warm(endpoint, { version: r.version, signature: r.version.signature });
  await pace();
  const before = await replaceTraffic(db, endpoint.id, routes.map((r) => ({ versionId: r.version.id, weight: r.weight })));
  await publishEndpoint(endpoint.name, liveEndpointOf(endpoint, routes.map((r) => ({ ...r.version, weight: r.weight }))));
  return before;
}

/**
 * An endpoint's traffic rows become `routes`, in one statement (so atomically, with no
 * transaction's extra round trips); answers the traffic as it was. Every part of the
 * statement sees the rows as they were before it: the delete and the upsert touch disjoint
 * rows (the versions dropped, the versions kept or added).
 */
async function replaceTraffic(db: Db, endpointId: number, routes: { versionId: number; weight: number }[]): Promise<Traffic> {
  const ids = sql.join(routes.map((r) => sql`${r.versionId}`), sql`, `);
  const values = sql.join(routes.map((r) => sql`(${endpointId}, ${r.versionId}, ${r.weight})`), sql`, `);
  const result = await db.execute(sql`
    with old as (select version_id, weight from endpoint_traffic where endpoint_id = ${endpointId}),
    dropped as (delete from endpoint_traffic where endpoint_id = ${endpointId} and version_id not in (${ids})),
    put as (insert into endpoint_traffic (endpoint_id, version_id, weight) values ${values}
            on conflict (endpoint_id, version_id) do update set weight = excluded.weight)
    select v.version, old.weight from old join model_versions v on v.id = old.version_id`);
  return rowsOf<{ version: number; weight: number }>(result)
    .map((r) => ({ version: Number(r.version), weight: Number(r.weight) }))
    .sort(heaviestFirst);
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
  const owner = ctx.actor?.kind === "user" ? ctx.actor.user.name : "";
  return { ...(await describeEndpoint(ctx, { ...row, modelName: model.name, ownerName: owner })), token };
}

export async function listEndpoints({ ctx }: { ctx: Ctx }) {
  if (!ctx.actor) throw new UnauthorizedError();
  const rows = isAdmin(ctx.actor)
    ? await selectNamedEndpoints(ctx.db).orderBy(endpoints.name)
    : ctx.actor.kind === "user"
      ? await selectNamedEndpoints(ctx.db).where(eq(endpoints.ownerId, ctx.actor.user.id)).orderBy(endpoints.name)
      : [];
  // Two statements however many endpoints there are; a list shows no history (GET one endpoint for it).
  const traffic = await trafficOfEach(ctx.db, rows.map((r) => r.e.id));
  return { endpoints: rows.map((r) => summarizeEndpoint(named(r), traffic.get(r.e.id)!)) };
}

export async function getEndpoint({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  return describeEndpoint(ctx, await requireEndpoint(ctx, input.name));
}

/** Which versions answer, by weight: one version is a swap or a rollback, two a canary (moved by routeTraffic). */
export async function setTraffic({ ctx, input }: { ctx: Ctx; input: { name: string; traffic: { version: string; weight: number }[]; reason?: string } }) {
  // A change is made while the endpoint is under load: it gives the cores back between its
  // statements (lib/pace.ts), or the serving processes (nice 10) wait behind it.
  const pace = pacer();
  const row = await requireEndpoint(ctx, input.name);
  if (!input.traffic.length) throw new ValidationError("traffic: at least one version", "traffic");
  const resolved: { v: Awaited<ReturnType<typeof resolveVersion>>; weight: number }[] = [];
  for (const [i, t] of input.traffic.entries()) {
    await pace();
    const v = await resolveVersion(ctx.db, row.modelId, t.version).catch(() => {
      throw new ValidationError(`traffic[${i}].version: no version or alias ${JSON.stringify(t.version)} of this endpoint's model`, `traffic[${i}].version`);
    });
    if (resolved.some((r) => r.v.id === v.id)) throw new ValidationError(`traffic[${i}].version: v${v.version} is named twice`, `traffic[${i}].version`);
    resolved.push({ v, weight: t.weight });
  }
  if (resolved.every((r) => r.weight === 0)) throw new ValidationError("traffic: some version must have a weight above 0", "traffic");
  const before = await routeTraffic(ctx.db, row, resolved.map((r) => ({ version: r.v, weight: r.weight })), pace);
  const after = resolved.map((r) => ({ version: r.v.version, weight: r.weight }));
  await pace();
  await record(ctx, row.id, after.length > 1 ? "canary" : "deploy", { before, after, ...(input.reason ? { reason: input.reason } : {}) });
  await pace();
  return describeEndpoint(ctx, row, { traffic: [...after].sort(heaviestFirst) });
}

export async function patchEndpoint({ ctx, input }: { ctx: Ctx; input: { name: string; state?: "running" | "stopped"; public?: boolean; max_batch?: number; max_wait_ms?: number } }) {
  const row = await requireEndpoint(ctx, input.name);
  const set: Partial<EndpointRow> = {};
  if (input.state !== undefined) set.state = input.state;
  if (input.public !== undefined) set.public = input.public;
  if (input.max_batch !== undefined) set.maxBatch = input.max_batch;
  if (input.max_wait_ms !== undefined) set.maxWaitMs = input.max_wait_ms;
  let fresh = row;
  if (Object.keys(set).length) {
    const [updated] = await ctx.db.update(endpoints).set(set).where(eq(endpoints.id, row.id)).returning();
    fresh = { ...row, ...updated! }; // the model and owner, and so their names, stay
    await record(ctx, row.id, input.state === "stopped" ? "stopped" : input.state === "running" ? "started" : "changed", { ...input, name: undefined });
  }
  await refreshEndpoint(row.name);
  return describeEndpoint(ctx, fresh);
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
