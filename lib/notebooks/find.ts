import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { notebooks, type NotebookRow, type UserRow } from "../db/schema";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";

/** Notebooks belong to users: the bootstrap admin token has none. */
export function requireUser(ctx: Ctx): UserRow {
  if (!ctx.actor) throw new UnauthorizedError();
  if (ctx.actor.kind !== "user") throw new ForbiddenError("Notebooks belong to users; use a user's token");
  return ctx.actor.user;
}

const own = (ctx: Ctx, id: number, deleted = false) =>
  and(eq(notebooks.id, id), eq(notebooks.ownerId, requireUser(ctx).id), deleted ? isNotNull(notebooks.deletedAt) : isNull(notebooks.deletedAt));

/**
 * The caller's own notebook, or 404: someone else's notebook is answered exactly as a
 * missing one, so ids reveal nothing. (Sharing with groups arrives with the experiments issue.)
 */
export async function requireOwnNotebook(ctx: Ctx, id: number, opts: { deleted?: boolean } = {}): Promise<NotebookRow> {
  const [row] = await ctx.db.select().from(notebooks).where(own(ctx, id, opts.deleted));
  if (!row) throw new NotFoundError(`No such notebook: ${id}`);
  return row;
}

/** The same check without reading the document: for the hot path of running a cell. */
export async function requireOwnNotebookId(ctx: Ctx, id: number): Promise<{ id: number; ownerId: number }> {
  const [row] = await ctx.db.select({ id: notebooks.id, ownerId: notebooks.ownerId }).from(notebooks).where(own(ctx, id));
  if (!row) throw new NotFoundError(`No such notebook: ${id}`);
  return row;
}
