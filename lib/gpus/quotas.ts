import { and, eq, inArray, or, sql } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db";
import { gpuAllocations, gpuQuotas, groupMembers, groups, gpus } from "../db/schema";

/** A quota's limits; null is "no limit". */
export interface GpuLimits {
  maxGpus: number | null;
  maxGpuHours: number | null;
}

/** Where a user's effective quota comes from: their own row, a group's, or the instance default. */
export interface EffectiveQuota extends GpuLimits {
  /** The group whose quota is the most generous, when that is where it comes from (charged in accounting). */
  groupId: number | null;
  source: string;
}

/** More generous of two limits (null, no limit, beats any number). */
const wider = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(a, b));

/**
 * A user's effective GPU quota: the most generous of their own and their groups' (each limit
 * on its own), or the instance default when none is set (KILN_GPU_QUOTA_DEFAULT).
 */
export async function effectiveQuota(db: Db, userId: number): Promise<EffectiveQuota> {
  const memberOf = await db.select({ id: groupMembers.groupId, name: groups.name }).from(groupMembers).innerJoin(groups, eq(groups.id, groupMembers.groupId)).where(eq(groupMembers.userId, userId));
  const rows = await db
    .select()
    .from(gpuQuotas)
    .where(
      or(
        and(eq(gpuQuotas.subjectKind, "user"), eq(gpuQuotas.subjectId, userId)),
        memberOf.length ? and(eq(gpuQuotas.subjectKind, "group"), inArray(gpuQuotas.subjectId, memberOf.map((g) => g.id))) : sql`false`,
      ),
    );
  if (rows.length === 0) return { ...getConfig().servers.gpuQuotaDefault, groupId: null, source: "the instance's default quota" };
  let best: EffectiveQuota | null = null as EffectiveQuota | null;
  for (const r of rows) {
    const group = r.subjectKind === "group" ? memberOf.find((g) => g.id === r.subjectId) : undefined;
    const limits = { maxGpus: r.maxGpus, maxGpuHours: r.maxGpuHours };
    if (!best) {
      best = { ...limits, groupId: group?.id ?? null, source: group ? `group ${group.name}'s quota` : "your quota" };
      continue;
    }
    // The group that widens the GPU-hours is the one charged (hours are what is used up).
    const current: EffectiveQuota = best;
    const widensHours: boolean = wider(current.maxGpuHours, limits.maxGpuHours) !== current.maxGpuHours;
    best = {
      maxGpus: wider(current.maxGpus, limits.maxGpus),
      maxGpuHours: wider(current.maxGpuHours, limits.maxGpuHours),
      groupId: widensHours ? (group?.id ?? null) : current.groupId,
      source: widensHours ? (group ? `group ${group.name}'s quota` : "your quota") : current.source,
    };
  }
  return best!;
}

/** The start of the calendar month (UTC) `at` falls in: GPU-hours quotas count from there. */
export function monthStart(at = new Date()): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** GPU-hours a user has used this month (UTC), holdings still open counted up to now. */
export async function gpuHoursThisMonth(db: Db, userId: number, now = new Date()): Promise<number> {
  const from = monthStart(now);
  const [row] = await db
    .select({
      s: sql<string>`coalesce(sum(extract(epoch from (coalesce(${gpuAllocations.endedAt}, ${now.toISOString()}::timestamptz) - greatest(${gpuAllocations.startedAt}, ${from.toISOString()}::timestamptz)))), 0)`,
    })
    .from(gpuAllocations)
    .where(and(eq(gpuAllocations.userId, userId), or(sql`${gpuAllocations.endedAt} is null`, sql`${gpuAllocations.endedAt} > ${from.toISOString()}::timestamptz`)));
  return Number(row?.s ?? 0) / 3600;
}

/** GPUs a user holds now. */
export async function gpusHeld(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(gpus).where(eq(gpus.holderUserId, userId));
  return Number(row?.n ?? 0);
}
