import { and, eq, type SQL } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { runShares, runs, type RunRow } from "../db/schema";
import { ownedPublicOrShared } from "../auth/sharing";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";

/**
 * Who may read a run: its owner, members of a group it is shared with, everyone when it is
 * public, admins. A run the caller may not read is answered as a missing one (404).
 */
export function readableRuns(ctx: Ctx): SQL | undefined {
  if (!ctx.actor) throw new UnauthorizedError();
  if (isAdmin(ctx.actor)) return undefined;
  if (ctx.actor.kind !== "user") throw new ForbiddenError();
  return ownedPublicOrShared(ctx.db, ctx.actor.user.id, runs, { table: runShares, resource: runShares.runId, group: runShares.groupId });
}

export async function requireReadableRun(ctx: Ctx, id: number): Promise<RunRow> {
  const [row] = await ctx.db.select().from(runs).where(and(eq(runs.id, id), readableRuns(ctx)));
  if (!row) throw new NotFoundError(`No such run: ${id}`);
  return row;
}

/** Changing a run (sharing, reproducing as its owner): the owner or an admin; readers get 403. */
export async function requireOwnRun(ctx: Ctx, id: number): Promise<RunRow> {
  const row = await requireReadableRun(ctx, id);
  assertOwner(ctx, row.ownerId);
  return row;
}

function assertOwner(ctx: Ctx, ownerId: number) {
  if (!isAdmin(ctx.actor) && !(ctx.actor?.kind === "user" && ctx.actor.user.id === ownerId)) throw new ForbiddenError("Only the run's owner may change it");
}

/** The same check as requireOwnRun without reading the run's notebooks: for the logging hot path. */
export async function requireOwnRunId(ctx: Ctx, id: number): Promise<number> {
  const [row] = await ctx.db.select({ id: runs.id, ownerId: runs.ownerId }).from(runs).where(and(eq(runs.id, id), readableRuns(ctx)));
  if (!row) throw new NotFoundError(`No such run: ${id}`);
  assertOwner(ctx, row.ownerId);
  return row.id;
}
