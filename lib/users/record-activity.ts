import { and, eq, isNull, lt, or } from "drizzle-orm";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { servers, users } from "../db/schema";
import { ValidationError } from "../errors";
import { requireUserByName } from "./find";

export interface ActivityInput {
  name: string;
  last_activity?: Date;
  servers?: Record<string, { last_activity: Date }>;
}

/**
 * POST /hub/api/users/{name}/activity, as JupyterHub's single-user servers report it: the
 * user's and each named server's last activity move forward, never back. A server's feeds the
 * idle culler (lib/servers/cull.ts). An unknown server is a 400 and nothing is written.
 */
export async function recordActivity({ ctx, input }: { ctx: Ctx; input: ActivityInput }): Promise<void> {
  requireSelfOrAdmin(ctx.actor, input.name);
  const user = await requireUserByName(ctx.db, input.name);
  const reported = Object.entries(input.servers ?? {});
  const rows = reported.length ? await ctx.db.select({ id: servers.id, name: servers.name }).from(servers).where(eq(servers.userId, user.id)) : [];
  const updates = reported.map(([name, { last_activity }]) => {
    const row = rows.find((r) => r.name === name);
    if (!row) throw new ValidationError(`servers: ${user.name} has no server named '${name}'`, "servers");
    return { id: row.id, at: last_activity };
  });
  await ctx.db.transaction(async (tx) => {
    const at = input.last_activity;
    if (at) await tx.update(users).set({ lastActivity: at }).where(and(eq(users.id, user.id), or(isNull(users.lastActivity), lt(users.lastActivity, at))));
    for (const u of updates)
      await tx.update(servers).set({ lastActivity: u.at }).where(and(eq(servers.id, u.id), or(isNull(servers.lastActivity), lt(servers.lastActivity, u.at))));
  });
}
