import { asc, eq } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { servers, users } from "../db/schema";
import { serverModel } from "./serialize";

/** Every running or starting server, with its owner: the admin's view. */
export async function listAllServers({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const rows = await ctx.db
    .select({ server: servers, user: users.name })
    .from(servers)
    .innerJoin(users, eq(users.id, servers.userId))
    .orderBy(asc(servers.startedAt));
  return rows.map((r) => ({ user: r.user, ...serverModel(r.user, r.server) }));
}
