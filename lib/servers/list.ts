import { asc, eq } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { permits } from "../auth/scope-check";
import { groupNamesOf } from "../users/serialize";
import { servers, users } from "../db/schema";
import { serverModel } from "./serialize";

/** Every running or starting server, with its owner: the admin's view (a token's `read:servers` filters apply). */
export async function listAllServers({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const rows = await ctx.db
    .select({ server: servers, user: users.name, groups: groupNamesOf(users.id) })
    .from(servers)
    .innerJoin(users, eq(users.id, servers.userId))
    .orderBy(asc(servers.startedAt));
  return rows
    .filter((r) => permits(ctx.actor, "read:servers", { user: r.user, groups: r.groups, server: `${r.user}/${r.server.name}` }))
    .map((r) => ({ user: r.user, ...serverModel(r.user, r.server) }));
}
