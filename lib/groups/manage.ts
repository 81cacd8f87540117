import { and, asc, eq, inArray } from "drizzle-orm";
import type { GroupModel } from "../api/schemas";
import { type Ctx, requireAdmin } from "../auth/principal";
import { permits } from "../auth/scope-check";
import type { Db } from "../db";
import { groupMembers, groups, users } from "../db/schema";
import { ConflictError, isUniqueViolation, ValidationError } from "../errors";
import { requireGroup, toGroupModels } from "./serialize";

/** User ids for names; an unknown name is a 400 naming it (JupyterHub does the same). */
async function userIds(db: Db, names: string[]): Promise<number[]> {
  if (names.length === 0) return [];
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.name, names));
  const missing = names.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw new ValidationError(`No such user: ${missing.join(", ")}`, "users");
  return rows.map((r) => r.id);
}

/** Every group (admins); a token limited by scopes sees the groups `list:groups` names, and only names where it may not `read:groups`. */
export async function listGroups({ ctx }: { ctx: Ctx }): Promise<(Partial<GroupModel> & Pick<GroupModel, "kind" | "name">)[]> {
  requireAdmin(ctx.actor);
  const rows = await ctx.db.select().from(groups).orderBy(asc(groups.name));
  const listed = rows.filter((g) => permits(ctx.actor, "list:groups", { group: g.name }));
  return (await toGroupModels(ctx.db, listed)).map((g) => (permits(ctx.actor, "read:groups", { group: g.name }) ? g : { kind: g.kind, name: g.name }));
}

export async function getGroup({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<GroupModel> {
  requireAdmin(ctx.actor);
  return (await toGroupModels(ctx.db, [await requireGroup(ctx.db, input.name)]))[0]!;
}

export async function createGroup({ ctx, input }: { ctx: Ctx; input: { name: string; users: string[] } }): Promise<GroupModel> {
  requireAdmin(ctx.actor);
  try {
    return await ctx.db.transaction(async (tx) => {
      const ids = await userIds(tx, [...new Set(input.users)]);
      const [g] = await tx.insert(groups).values({ name: input.name }).returning();
      if (ids.length) await tx.insert(groupMembers).values(ids.map((userId) => ({ groupId: g!.id, userId })));
      return (await toGroupModels(tx, [g!]))[0]!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`Group ${input.name} already exists`, "name");
    throw e;
  }
}

export async function deleteGroup({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<void> {
  requireAdmin(ctx.actor);
  const g = await requireGroup(ctx.db, input.name);
  await ctx.db.delete(groups).where(eq(groups.id, g.id));
}

export async function addGroupUsers({ ctx, input }: { ctx: Ctx; input: { name: string; users: string[] } }): Promise<GroupModel> {
  requireAdmin(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const g = await requireGroup(tx, input.name);
    const ids = await userIds(tx, [...new Set(input.users)]);
    await tx.insert(groupMembers).values(ids.map((userId) => ({ groupId: g.id, userId }))).onConflictDoNothing();
    return (await toGroupModels(tx, [g]))[0]!;
  });
}

export async function removeGroupUsers({ ctx, input }: { ctx: Ctx; input: { name: string; users: string[] } }): Promise<GroupModel> {
  requireAdmin(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const g = await requireGroup(tx, input.name);
    const rows = await tx.select({ id: users.id }).from(users).where(inArray(users.name, input.users));
    if (rows.length)
      await tx.delete(groupMembers).where(and(eq(groupMembers.groupId, g.id), inArray(groupMembers.userId, rows.map((r) => r.id))));
    return (await toGroupModels(tx, [g]))[0]!;
  });
}
