import { type Ctx, requireActor } from "../auth/principal";
import { toUserModel, userModel } from "./serialize";

/** GET /hub/api/user: whoever owns the credentials, a user or the bootstrap admin token. */
export async function currentIdentity({ ctx }: { ctx: Ctx }) {
  const actor = requireActor(ctx.actor);
  if (actor.kind === "service") return { kind: "service" as const, name: actor.name, admin: true as const, roles: ["admin"] };
  return actor.groups ? userModel(actor.user, actor.groups) : toUserModel(ctx.db, actor.user);
}
