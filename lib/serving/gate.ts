import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { endpointEvents, endpoints, endpointTraffic, type ModelVersionRow, modelVersions, type PromotionGate, users } from "../db/schema";
import { ValidationError } from "../errors";
import { pacer } from "../pace";
import { describeEndpoint, named, requireEndpoint, routeTraffic, selectNamedEndpoints } from "./manage";

/** Sets (or clears, with null) the metric a new version must beat to be promoted on its own. */
export async function setGate({ ctx, input }: { ctx: Ctx; input: { name: string; gate: PromotionGate | null } }) {
  const row = await requireEndpoint(ctx, input.name);
  if (input.gate && !/^[\w./-]{1,250}$/.test(input.gate.metric)) throw new ValidationError("gate.metric: a metric key as kiln.log_metric names it", "gate.metric");
  const [fresh] = await ctx.db.update(endpoints).set({ gate: input.gate }).where(eq(endpoints.id, row.id)).returning();
  await ctx.db.insert(endpointEvents).values({ endpointId: row.id, action: input.gate ? "gate set" : "gate cleared", detail: input.gate ? { ...input.gate } : {}, actorId: ctx.actor?.kind === "user" ? ctx.actor.user.id : null });
  return describeEndpoint(ctx, { ...row, ...fresh! });
}

const better = (gate: PromotionGate, candidate: number, current: number) => (gate.direction === "max" ? candidate > current : candidate < current);

/**
 * After a version is registered: each running endpoint of its model with a gate moves all
 * its traffic to the new version when the new version's metric (the run's last value, kept
 * with the version) beats the serving version's, and records why it did or did not in the
 * deployment history (both values, when, who registered). Never promotes on a missing value.
 */
export async function promoteIfBetter(db: Db, version: ModelVersionRow): Promise<void> {
  const gated = (await selectNamedEndpoints(db).where(and(eq(endpoints.modelId, version.modelId), isNotNull(endpoints.gate)))).map(named);
  if (!gated.length) return;
  const [who] = version.registeredBy ? await db.select({ name: users.name }).from(users).where(eq(users.id, version.registeredBy)) : [];
  for (const e of gated) {
    const gate = e.gate!;
    const [serving] = await db
      .select({ v: modelVersions, weight: endpointTraffic.weight })
      .from(endpointTraffic)
      .innerJoin(modelVersions, eq(modelVersions.id, endpointTraffic.versionId))
      .where(eq(endpointTraffic.endpointId, e.id))
      .orderBy(desc(endpointTraffic.weight), desc(modelVersions.version))
      .limit(1);
    const candidate = version.metrics[gate.metric];
    const current = serving?.v.metrics[gate.metric];
    const detail = {
      metric: gate.metric, direction: gate.direction, version: version.version, new_value: candidate ?? null,
      serving_version: serving?.v.version ?? null, serving_value: current ?? null, registered_by: who?.name ?? null, registered_at: version.createdAt.toISOString(),
    };
    let promote = false;
    let why: string;
    if (candidate === undefined) why = `v${version.version} has no ${gate.metric} (its run did not log it)`;
    else if (!serving || current === undefined) {
      promote = true;
      why = `nothing served has ${gate.metric} to compare: v${version.version} (${candidate}) takes the traffic`;
    } else if (better(gate, candidate, current)) {
      promote = true;
      why = `v${version.version}'s ${gate.metric} ${candidate} beats v${serving.v.version}'s ${current} (${gate.direction === "max" ? "higher" : "lower"} is better)`;
    } else why = `v${version.version}'s ${gate.metric} ${candidate} does not beat v${serving.v.version}'s ${current} (${gate.direction === "max" ? "higher" : "lower"} is better)`;
    if (promote) await routeTraffic(db, e, [{ version, weight: 100 }], pacer());
    await db.insert(endpointEvents).values({ endpointId: e.id, action: promote ? "auto-promoted" : "not promoted", detail: { ...detail, reason: why }, actorId: version.registeredBy });
  }
}
