import { eq } from "drizzle-orm";
import { type Ctx, requireActor } from "../auth/principal";
import { servers } from "../db/schema";
import { toUserModel, userModel } from "./serialize";

/** GET /hub/api/user: whoever owns the credentials, a user or the bootstrap admin token. */
export async function currentIdentity({ ctx }: { ctx: Ctx }) {
  const actor = requireActor(ctx.actor);
  if (actor.kind === "service") return { kind: "service" as const, name: actor.name, admin: true as const, roles: ["admin"] };
  if (!actor.groups) return toUserModel(ctx.db, actor.user);
  const running = await ctx.db.select().from(servers).where(eq(servers.userId, actor.user.id));
  return userModel(actor.user, actor.groups, running);
}
