import { and, asc, count, exists, ilike, inArray, not, or, type SQL, sql } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { scopeFilters } from "../auth/scope-check";
import { groupMembers, groups, servers, users } from "../db/schema";
import { ForbiddenError } from "../errors";
import { toUserModels } from "./serialize";
import { type VisibleUserModel, visibleUserModel } from "./visible";

export interface ListUsersInput {
  offset: number;
  limit: number;
  /** JupyterHub's filter: `active` (any server), `ready` (a server ready), `inactive` (none). */
  state?: "active" | "ready" | "inactive";
  /** Users whose name contains this (case-insensitive). */
  name_filter?: string;
}

const hasServer = (ready: boolean) =>
  exists(sql`(select 1 from ${servers} where ${servers.userId} = ${users.id}${ready ? sql` and ${servers.status} = 'ready'` : sql``})`);

/** A token with `list:users!user=...` or `!group=...` lists those users only (JupyterHub's internal filtering). */
function scopeCondition(ctx: Ctx): SQL | undefined {
  const f = scopeFilters(ctx.actor, "list:users");
  if (!f) return undefined;
  if (f.server.size) throw new ForbiddenError("list:users takes !user= or !group= filters, not !server=");
  const inGroups = f.group.size
    ? exists(sql`(select 1 from ${groupMembers} join ${groups} on ${groups.id} = ${groupMembers.groupId} where ${groupMembers.userId} = ${users.id} and ${inArray(groups.name, [...f.group])})`)
    : undefined;
  return or(f.user.size ? inArray(users.name, [...f.user]) : undefined, inGroups) ?? sql`false`;
}

/** GET /hub/api/users: a page of users (admins), each with the fields the caller's scopes cover, and the total. */
export async function listUsers({ ctx, input }: { ctx: Ctx; input: ListUsersInput }): Promise<{ items: VisibleUserModel[]; total: number }> {
  requireAdmin(ctx.actor);
  const where = and(
    scopeCondition(ctx),
    input.state === "inactive" ? not(hasServer(false)) : input.state ? hasServer(input.state === "ready") : undefined,
    input.name_filter ? ilike(users.name, `%${input.name_filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
  );
  const [rows, totals] = await Promise.all([
    ctx.db.select().from(users).where(where).orderBy(asc(users.name)).offset(input.offset).limit(input.limit),
    ctx.db.select({ total: count() }).from(users).where(where),
  ]);
  const models = await toUserModels(ctx.db, rows);
  return { items: models.map((m) => visibleUserModel(ctx.actor, m)), total: Number(totals[0]?.total ?? 0) };
}
