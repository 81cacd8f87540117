import { inArray } from "drizzle-orm";
import type { UserModel } from "../api/schemas";
import { type Ctx, requireAdmin } from "../auth/principal";
import { users } from "../db/schema";
import { ConflictError, uniqueViolation } from "../errors";
import { toUserModel, toUserModels } from "./serialize";

interface CreateUserInput {
  name: string;
  admin: boolean;
  email?: string;
  display_name?: string;
}

/** POST /hub/api/users/{name} (admin). */
export async function createUser({ ctx, input }: { ctx: Ctx; input: CreateUserInput }): Promise<UserModel> {
  requireAdmin(ctx.actor);
  try {
    const [row] = await ctx.db
      .insert(users)
      .values({ name: input.name, admin: input.admin, email: input.email ?? null, displayName: input.display_name ?? null })
      .returning();
    return toUserModel(ctx.db, row!);
  } catch (e) {
    const constraint = uniqueViolation(e);
    if (constraint !== undefined) {
      throw constraint === "users_email_key"
        ? new ConflictError(`The email ${input.email} is already taken`, "email")
        : new ConflictError(`User ${input.name} already exists`, "name");
    }
    throw e;
  }
}

/** POST /hub/api/users (admin): creates the names that do not exist yet, as JupyterHub does. */
export async function createUsers({ ctx, input }: { ctx: Ctx; input: { usernames: string[]; admin: boolean } }): Promise<UserModel[]> {
  requireAdmin(ctx.actor);
  const wanted = [...new Set(input.usernames)];
  const existing = new Set(
    (await ctx.db.select({ name: users.name }).from(users).where(inArray(users.name, wanted))).map((r) => r.name),
  );
  const fresh = wanted.filter((n) => !existing.has(n));
  if (fresh.length === 0) throw new ConflictError("All those users already exist", "usernames");
  const rows = await ctx.db
    .insert(users)
    .values(fresh.map((name) => ({ name, admin: input.admin })))
    .onConflictDoNothing()
    .returning();
  return toUserModels(ctx.db, rows);
}
