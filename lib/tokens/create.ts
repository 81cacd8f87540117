import { generateToken, hashToken, tokenPrefix } from "../auth/token-secret";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { apiTokens } from "../db/schema";
import { requireUserByName } from "../users/find";
import { grantableScopes } from "./grantable";
import { toTokenModel } from "./serialize";

interface NewTokenInput {
  name: string;
  note: string;
  expires_in?: number | null;
  /** JupyterHub's scopes; left out or null: `inherit`. */
  scopes?: string[] | null;
}

/** Mints a token for a user. The secret is in this return value and nowhere else, ever. */
export async function createToken({ ctx, input }: { ctx: Ctx; input: NewTokenInput }) {
  requireSelfOrAdmin(ctx.actor, input.name);
  const user = await requireUserByName(ctx.db, input.name);
  const scopes = grantableScopes(ctx.actor, user, input.scopes);
  const token = generateToken();
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      userId: user.id,
      hash: hashToken(token),
      prefix: tokenPrefix(token),
      note: input.note,
      scopes,
      expiresAt: input.expires_in ? new Date(Date.now() + input.expires_in * 1000) : null,
    })
    .returning();
  return { ...toTokenModel(row!, user.name), token };
}
