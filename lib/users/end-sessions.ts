import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { endAllSessions } from "../auth/sessions";
import { requireUserByName } from "./find";

/**
 * DELETE /hub/api/users/{name}/sessions: "sign out everywhere". The user themself or an
 * admin ends every browser session of the user (their open pages and sockets with them);
 * API tokens are not sessions and stay valid.
 */
export async function endUserSessions({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<{ sessions_ended: number }> {
  requireSelfOrAdmin(ctx.actor, input.name);
  const user = await requireUserByName(ctx.db, input.name);
  return { sessions_ended: await endAllSessions(ctx.db, user.id) };
}
