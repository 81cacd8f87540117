import { and, desc, eq } from "drizzle-orm";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { apiTokens } from "../db/schema";
import { NotFoundError } from "../errors";
import { requireUserByName } from "../users/find";
import { toTokenModel } from "./serialize";

export async function listTokens({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  requireSelfOrAdmin(ctx.actor, input.name);
  const user = await requireUserByName(ctx.db, input.name);
  const rows = await ctx.db.select().from(apiTokens).where(eq(apiTokens.userId, user.id)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return { api_tokens: rows.map((r) => toTokenModel(r, user.name)), oauth_tokens: [] as unknown[] };
}

export async function getToken({ ctx, input }: { ctx: Ctx; input: { name: string; tokenId: number } }) {
  requireSelfOrAdmin(ctx.actor, input.name);
  const user = await requireUserByName(ctx.db, input.name);
  const [row] = await ctx.db.select().from(apiTokens).where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.userId, user.id)));
  if (!row) throw new NotFoundError(`No such token: a${input.tokenId}`);
  return toTokenModel(row, user.name);
}
