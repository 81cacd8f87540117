import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { requireUserByName } from "./find";
import { toUserModel } from "./serialize";
import { type VisibleUserModel, visibleUserModel } from "./visible";

/** GET /hub/api/users/{name}: the user themself or an admin, with the fields the caller's scopes cover. */
export async function getUser({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<VisibleUserModel> {
  requireSelfOrAdmin(ctx.actor, input.name);
  return visibleUserModel(ctx.actor, await toUserModel(ctx.db, await requireUserByName(ctx.db, input.name)));
}
