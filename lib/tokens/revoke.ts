import { and, eq } from "drizzle-orm";
import { closeSockets } from "../auth/live-sockets";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { apiTokens } from "../db/schema";
import { NotFoundError } from "../errors";
import { requireUserByName } from "../users/find";

/** Revoking deletes the row: a revoked token is indistinguishable from one never issued, and its open sockets close. */
export async function revokeToken({ ctx, input }: { ctx: Ctx; input: { name: string; tokenId: number } }): Promise<void> {
  requireSelfOrAdmin(ctx.actor, input.name);
  const user = await requireUserByName(ctx.db, input.name);
  const gone = await ctx.db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.userId, user.id)))
    .returning({ id: apiTokens.id });
  if (gone.length === 0) throw new NotFoundError(`No such token: a${input.tokenId}`);
  // The kernel and notebook sockets it opened go now, not when they next authenticate (never).
  closeSockets({ tokenIds: [input.tokenId] });
}
