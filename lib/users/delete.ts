import { eq } from "drizzle-orm";
import { closeSockets } from "../auth/live-sockets";
import { type Ctx, requireAdmin } from "../auth/principal";
import { servers, users } from "../db/schema";
import { type HomeFate, homesOf, keepHomes } from "../homes/keep";
import { stopServerRow } from "../servers/stop";
import { assertAnotherAdminRemains } from "./admins";
import { deleteRunSeries } from "../runs/delete-data";
import { requireUserByName } from "./find";

/**
 * DELETE /hub/api/users/{name} (admin): their servers stop; tokens, sessions, memberships
 * and links go with the user; their files are deleted after the grace period, or archived.
 */
export async function deleteUser({ ctx, input }: { ctx: Ctx; input: { name: string; home?: HomeFate } }): Promise<void> {
  requireAdmin(ctx.actor);
  const found = await requireUserByName(ctx.db, input.name);
  if (found.admin) await assertAnotherAdminRemains(ctx.db, found.id);
  // Their servers stop first: nothing of theirs keeps running, or holding their home, after them.
  for (const row of await ctx.db.select().from(servers).where(eq(servers.userId, found.id))) await stopServerRow(ctx.db, row);
  const homes = await homesOf(found);
  const userId = await ctx.db.transaction(async (tx) => {
    const user = await requireUserByName(tx, input.name);
    if (user.admin) await assertAnotherAdminRemains(tx, user.id);
    await deleteRunSeries(tx, user.id); // no foreign key to cascade them: see lib/runs/delete-data.ts
    await keepHomes(tx, user, homes, input.home ?? "delete");
    await tx.delete(users).where(eq(users.id, user.id));
    return user.id;
  });
  closeSockets({ userId }); // sessions and tokens went by cascade; their open sockets go now
}
