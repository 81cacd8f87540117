import type { UserModel } from "../api/schemas";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { requireUserByName } from "./find";
import { toUserModel } from "./serialize";

/** GET /hub/api/users/{name}: the user themself or an admin. */
export async function getUser({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<UserModel> {
  requireSelfOrAdmin(ctx.actor, input.name);
  return toUserModel(ctx.db, await requireUserByName(ctx.db, input.name));
}
