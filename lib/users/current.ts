import { eq } from "drizzle-orm";
import { type Ctx, requireActor } from "../auth/principal";
import { listScopes, ownerScopes } from "../auth/scopes";
import { servers } from "../db/schema";
import { toUserModel, userModel } from "./serialize";
import { visibleUserModel } from "./visible";

/**
 * GET /hub/api/user: whoever owns the credentials, a user or the bootstrap admin token, with
 * the scopes the credentials carry (as JupyterHub's whoami) and the token's id.
 */
export async function currentIdentity({ ctx }: { ctx: Ctx }) {
  const actor = requireActor(ctx.actor);
  if (actor.kind === "service") return { kind: "service" as const, name: actor.name, admin: true as const, roles: ["admin"], scopes: listScopes(ownerScopes({ name: actor.name, admin: true })) };
  const model = actor.groups
    ? userModel(actor.user, actor.groups, await ctx.db.select().from(servers).where(eq(servers.userId, actor.user.id)))
    : await toUserModel(ctx.db, actor.user);
  return {
    ...visibleUserModel(actor, model, true),
    scopes: listScopes(actor.scopes ?? ownerScopes(actor.user)),
    token_id: actor.tokenId === undefined ? null : `a${actor.tokenId}`,
  };
}
