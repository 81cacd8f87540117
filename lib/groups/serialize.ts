import { asc, eq, inArray } from "drizzle-orm";
import type { GroupModel } from "../api/schemas";
import type { Db } from "../db";
import { NotFoundError } from "../errors";
import { groupMembers, groups, users, type GroupRow } from "../db/schema";

export async function toGroupModels(db: Db, rows: GroupRow[]): Promise<GroupModel[]> {
  if (rows.length === 0) return [];
  const members = await db
    .select({ groupId: groupMembers.groupId, name: users.name })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(inArray(groupMembers.groupId, rows.map((g) => g.id)))
    .orderBy(asc(users.name));
  return rows.map((g) => ({
    kind: "group",
    name: g.name,
    users: members.filter((m) => m.groupId === g.id).map((m) => m.name),
    roles: [],
    properties: {},
  }));
}

export async function requireGroup(db: Db, name: string): Promise<GroupRow> {
  const [g] = await db.select().from(groups).where(eq(groups.name, name));
  if (!g) throw new NotFoundError(`No such group: ${name}`);
  return g;
}
