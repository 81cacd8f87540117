import { and, eq, or, type SQL } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { type ModelRow, models } from "../db/schema";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";

/**
 * Who may see a model: its owner, everyone when it is public, admins. One the caller may not
 * see is answered as a missing one (404), so names do not leak.
 */
export function readableModels(ctx: Ctx): SQL | undefined {
  if (!ctx.actor) throw new UnauthorizedError();
  if (isAdmin(ctx.actor)) return undefined;
  if (ctx.actor.kind !== "user") throw new ForbiddenError();
  return or(eq(models.ownerId, ctx.actor.user.id), eq(models.public, true));
}

export async function requireReadableModel(ctx: Ctx, id: number): Promise<ModelRow> {
  const [row] = await ctx.db.select().from(models).where(and(eq(models.id, id), readableModels(ctx)));
  if (!row) throw new NotFoundError(`No such model: ${id}`);
  return row;
}

/** Changing a model (versions, aliases, visibility): its owner or an admin; readers get 403. */
export async function requireOwnModel(ctx: Ctx, id: number): Promise<ModelRow> {
  const row = await requireReadableModel(ctx, id);
  if (!isAdmin(ctx.actor) && !(ctx.actor?.kind === "user" && ctx.actor.user.id === row.ownerId)) throw new ForbiddenError("Only the model's owner may change it");
  return row;
}

/** The acting user (registering makes a model in their own namespace). */
export function actingUserId(ctx: Ctx): number {
  if (ctx.actor?.kind !== "user") throw new ForbiddenError("Models belong to users: register as one (the admin token has no namespace)");
  return ctx.actor.user.id;
}
