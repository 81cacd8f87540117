import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { getConfig } from "../config";
import { type Ctx, isAdmin, requireActor, requireAdmin } from "../auth/principal";
import { gpuAllocations, gpuQuotas, gpuRequests, gpus, groups, servers, users } from "../db/schema";
import { NotFoundError, ValidationError } from "../errors";
import { gpuEvents, queueInOrder, releaseGpus } from "./allocator";
import { syncGpuInventory } from "./inventory";
import { effectiveQuota, gpuHoursThisMonth, gpusHeld, monthStart } from "./quotas";
import { gpuUtilization } from "./utilization";

/** Who a holder is, in words an admin reads: "alice/" for alice's default server. */
async function holderNames(ctx: Ctx) {
  const rows = await ctx.db.select({ id: servers.id, user: users.name, server: servers.name }).from(servers).innerJoin(users, eq(users.id, servers.userId));
  const byServer = new Map(rows.map((r) => [String(r.id), `${r.user}/${r.server}`]));
  return (kind: string | null, id: string | null) => (!kind ? null : kind === "server" ? (byServer.get(id!) ?? `server ${id}`) : `${kind} ${id}`);
}

/** The admin console's GPU view: the inventory with holders, and the queue in the order it is served. */
export async function gpuOverview({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const name = await holderNames(ctx);
  const inventory = await ctx.db.select().from(gpus).orderBy(asc(gpus.host), asc(gpus.index));
  const util = await gpuUtilization(); // this host's, where nvidia-smi reports it
  const queue = await queueInOrder(ctx.db);
  const userNames = new Map((await ctx.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...new Set(queue.map((q) => Number(q.user_id)))].concat(0)))).map((u) => [u.id, u.name]));
  return {
    gpus: inventory.map((g) => ({
      uuid: g.uuid, host: g.host, index: g.index, model: g.model, memory_mb: g.memoryMb, state: g.state,
      held_by: name(g.holderKind, g.holderId), held_since: g.heldSince?.toISOString() ?? null, utilization: util?.get(g.uuid) ?? null,
    })),
    queue: queue.map((q, i) => ({
      id: Number(q.id), position: i + 1, user: userNames.get(Number(q.user_id)) ?? "?", holder: name(q.holder_kind, q.holder_id), count: Number(q.count),
      priority: Number(q.priority), user_holds: Number(q.held), since: new Date(q.created_at).toISOString(),
    })),
  };
}

export async function rescanGpus({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  return syncGpuInventory(ctx.db);
}

/** An admin cancels a waiting request: the start that made it fails with the reason. */
export async function cancelGpuRequest({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  requireAdmin(ctx.actor);
  const [r] = await ctx.db.select().from(gpuRequests).where(eq(gpuRequests.id, input.id));
  if (!r) throw new NotFoundError("No such request in the GPU queue");
  await releaseGpus(ctx.db, { kind: r.holderKind as "server", id: r.holderId }, "cancelled by an admin");
}

/** An admin moves a waiting request: a lower priority is served first among users holding as many GPUs. */
export async function moveGpuRequest({ ctx, input }: { ctx: Ctx; input: { id: number; priority: number } }) {
  requireAdmin(ctx.actor);
  const moved = await ctx.db.update(gpuRequests).set({ priority: input.priority }).where(eq(gpuRequests.id, input.id)).returning({ id: gpuRequests.id });
  if (!moved.length) throw new NotFoundError("No such request in the GPU queue");
  gpuEvents.emit("queue");
}

async function subjectId(ctx: Ctx, kind: "user" | "group", name: string): Promise<number> {
  const table = kind === "user" ? users : groups;
  const [row] = await ctx.db.select({ id: table.id }).from(table).where(eq(table.name, name));
  if (!row) throw new NotFoundError(`name: no ${kind} called ${name}`, "name");
  return row.id;
}

export async function listGpuQuotas({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const rows = await ctx.db
    .select({ q: gpuQuotas, user: users.name, group: groups.name })
    .from(gpuQuotas)
    .leftJoin(users, and(eq(gpuQuotas.subjectKind, "user"), eq(users.id, gpuQuotas.subjectId)))
    .leftJoin(groups, and(eq(gpuQuotas.subjectKind, "group"), eq(groups.id, gpuQuotas.subjectId)))
    .orderBy(asc(gpuQuotas.subjectKind), asc(gpuQuotas.subjectId));
  return {
    default: { max_gpus: getConfig().servers.gpuQuotaDefault.maxGpus, max_gpu_hours: getConfig().servers.gpuQuotaDefault.maxGpuHours },
    quotas: rows.map((r) => ({ kind: r.q.subjectKind, name: (r.q.subjectKind === "user" ? r.user : r.group) ?? "?", max_gpus: r.q.maxGpus, max_gpu_hours: r.q.maxGpuHours })),
  };
}

export async function setGpuQuota({ ctx, input }: { ctx: Ctx; input: { kind: "user" | "group"; name: string; max_gpus: number | null; max_gpu_hours: number | null } }) {
  requireAdmin(ctx.actor);
  const id = await subjectId(ctx, input.kind, input.name);
  await ctx.db
    .insert(gpuQuotas)
    .values({ subjectKind: input.kind, subjectId: id, maxGpus: input.max_gpus, maxGpuHours: input.max_gpu_hours })
    .onConflictDoUpdate({ target: [gpuQuotas.subjectKind, gpuQuotas.subjectId], set: { maxGpus: input.max_gpus, maxGpuHours: input.max_gpu_hours, updatedAt: sql`now()` } });
  return { kind: input.kind, name: input.name, max_gpus: input.max_gpus, max_gpu_hours: input.max_gpu_hours };
}

export async function deleteGpuQuota({ ctx, input }: { ctx: Ctx; input: { kind: "user" | "group"; name: string } }) {
  requireAdmin(ctx.actor);
  const id = await subjectId(ctx, input.kind, input.name);
  const gone = await ctx.db.delete(gpuQuotas).where(and(eq(gpuQuotas.subjectKind, input.kind), eq(gpuQuotas.subjectId, id))).returning({ id: gpuQuotas.id });
  if (!gone.length) throw new NotFoundError(`${input.kind} ${input.name} has no GPU quota of their own`);
}

/** "2026-12" -> that month's bounds (UTC). */
function monthBounds(month: string | undefined): { from: Date; to: Date; label: string } {
  const from = month ? new Date(`${month}-01T00:00:00Z`) : monthStart();
  if (Number.isNaN(from.getTime())) throw new ValidationError("month: YYYY-MM", "month");
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  return { from, to, label: from.toISOString().slice(0, 7) };
}

/**
 * GPU usage per user and per group charged in a month (UTC): GPU-seconds, counted within the
 * month (a holding across its start or end counts its part), open holdings up to now. An
 * admin sees everyone; a user only themself.
 */
export async function gpuUsage({ ctx, input }: { ctx: Ctx; input: { month?: string; user?: string } }) {
  const actor = requireActor(ctx.actor);
  const self = actor.kind === "user" ? actor.user : null;
  const admin = isAdmin(actor);
  const only = admin ? input.user : self!.name;
  if (!admin && input.user && input.user !== self!.name) throw new NotFoundError(`user: no usage you can see for ${input.user}`, "user");
  const { from, to, label } = monthBounds(input.month);
  const seconds = sql<string>`sum(extract(epoch from (least(coalesce(${gpuAllocations.endedAt}, now()), ${to.toISOString()}::timestamptz) - greatest(${gpuAllocations.startedAt}, ${from.toISOString()}::timestamptz))))`;
  const inMonth = and(
    sql`${gpuAllocations.startedAt} < ${to.toISOString()}::timestamptz`,
    sql`coalesce(${gpuAllocations.endedAt}, now()) > ${from.toISOString()}::timestamptz`,
    only ? eq(users.name, only) : sql`true`,
  );
  const perUser = await ctx.db
    .select({ user: users.name, seconds, holdings: sql<number>`count(*)::int` })
    .from(gpuAllocations)
    .innerJoin(users, eq(users.id, gpuAllocations.userId))
    .where(inMonth)
    .groupBy(users.name)
    .orderBy(asc(users.name));
  const perGroup = await ctx.db
    .select({ group: groups.name, seconds, holdings: sql<number>`count(*)::int` })
    .from(gpuAllocations)
    .innerJoin(users, eq(users.id, gpuAllocations.userId))
    .innerJoin(groups, eq(groups.id, gpuAllocations.groupId))
    .where(inMonth)
    .groupBy(groups.name)
    .orderBy(asc(groups.name));
  const hours = (s: string | null) => Math.round((Number(s ?? 0) / 3600) * 1000) / 1000;
  return {
    month: label,
    users: perUser.map((r) => ({ user: r.user, gpu_seconds: Math.round(Number(r.seconds ?? 0)), gpu_hours: hours(r.seconds), holdings: Number(r.holdings) })),
    groups: admin ? perGroup.map((r) => ({ group: r.group, gpu_seconds: Math.round(Number(r.seconds ?? 0)), gpu_hours: hours(r.seconds), holdings: Number(r.holdings) })) : [],
  };
}

/** The usage report as CSV (one row per user, then one per group). */
export function usageCsv(report: Awaited<ReturnType<typeof gpuUsage>>): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = ["month,kind,name,gpu_seconds,gpu_hours,holdings"];
  for (const r of report.users) lines.push([report.month, "user", q(r.user), r.gpu_seconds, r.gpu_hours, r.holdings].join(","));
  for (const r of report.groups) lines.push([report.month, "group", q(r.group), r.gpu_seconds, r.gpu_hours, r.holdings].join(","));
  return `${lines.join("\n")}\n`;
}

/** What a user sees of their own GPUs on their account page: quota, use this month, held now. */
export async function myGpuQuota({ ctx }: { ctx: Ctx }) {
  const actor = requireActor(ctx.actor);
  if (actor.kind !== "user") throw new NotFoundError("Only users have GPU quotas");
  const q = await effectiveQuota(ctx.db, actor.user.id);
  return {
    max_gpus: q.maxGpus, max_gpu_hours: q.maxGpuHours, source: q.source,
    gpus_held: await gpusHeld(ctx.db, actor.user.id), gpu_hours_this_month: Math.round((await gpuHoursThisMonth(ctx.db, actor.user.id)) * 1000) / 1000,
  };
}
