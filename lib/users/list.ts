import { asc } from "drizzle-orm";
import type { UserModel } from "../api/schemas";
import { type Ctx, requireAdmin } from "../auth/principal";
import { users } from "../db/schema";
import { toUserModels } from "./serialize";

export async function listUsers({ ctx, input }: { ctx: Ctx; input: { offset: number; limit: number } }): Promise<UserModel[]> {
  requireAdmin(ctx.actor);
  const rows = await ctx.db.select().from(users).orderBy(asc(users.name)).offset(input.offset).limit(input.limit);
  return toUserModels(ctx.db, rows);
}
