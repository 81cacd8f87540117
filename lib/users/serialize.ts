import { type AnyColumn, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { UserModel } from "../api/schemas";
import type { Db } from "../db";
import { groupMembers, groups, type ServerRow, servers, type UserRow } from "../db/schema";
import { serverModel } from "../servers/serialize";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A correlated subquery for a user's group names, so one statement can carry them. */
export const groupNamesOf = (userId: SQL | AnyColumn) =>
  sql<string[]>`coalesce((select array_agg(g.name order by g.name) from ${groupMembers} gm join ${groups} g on g.id = gm.group_id where gm.user_id = ${userId}), '{}')`;

export function userModel(u: UserRow, groupNames: string[], running: ServerRow[] = []): UserModel {
  const byName = Object.fromEntries(running.map((s) => [s.name, serverModel(u.name, s)]));
  const main = byName[""];
  return {
    kind: "user",
    name: u.name,
    admin: u.admin,
    roles: u.admin ? ["admin", "user"] : ["user"],
    groups: groupNames,
    created: u.createdAt.toISOString(),
    last_activity: iso(u.lastActivity),
    server: main?.ready ? main.url : null,
    pending: main?.pending ?? null,
    servers: byName,
    email: u.email,
    display_name: u.displayName,
  };
}

/** Users in JupyterHub's JSON shape, with their groups fetched in one query. */
export async function toUserModels(db: Db, rows: UserRow[]): Promise<UserModel[]> {
  if (rows.length === 0) return [];
  const memberships = await db
    .select({ userId: groupMembers.userId, group: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(inArray(groupMembers.userId, rows.map((r) => r.id)));
  const byUser = new Map<number, string[]>();
  for (const m of memberships) (byUser.get(m.userId) ?? byUser.set(m.userId, []).get(m.userId)!).push(m.group);
  const running = await db.select().from(servers).where(inArray(servers.userId, rows.map((r) => r.id)));
  return rows.map((u) => userModel(u, (byUser.get(u.id) ?? []).sort(), running.filter((s) => s.userId === u.id)));
}

export async function toUserModel(db: Db, row: UserRow): Promise<UserModel> {
  return (await toUserModels(db, [row]))[0]!;
}
