import { eq, inArray } from "drizzle-orm";
import type { UserModel } from "../api/schemas";
import type { Db } from "../db";
import { groupMembers, groups, type UserRow } from "../db/schema";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

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
  return rows.map((u) => ({
    kind: "user",
    name: u.name,
    admin: u.admin,
    roles: u.admin ? ["admin", "user"] : ["user"],
    groups: (byUser.get(u.id) ?? []).sort(),
    created: u.createdAt.toISOString(),
    last_activity: iso(u.lastActivity),
    server: null,
    pending: null,
    servers: {},
    email: u.email,
    display_name: u.displayName,
  }));
}

export async function toUserModel(db: Db, row: UserRow): Promise<UserModel> {
  return (await toUserModels(db, [row]))[0]!;
}
