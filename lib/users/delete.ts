import { eq } from "drizzle-orm";
import { closeSockets } from "../auth/live-sockets";
import { type Ctx, requireAdmin } from "../auth/principal";
import { users } from "../db/schema";
import { assertAnotherAdminRemains } from "./admins";
import { deleteRunSeries } from "../runs/delete-data";
import { requireUserByName } from "./find";

/** DELETE /hub/api/users/{name} (admin): tokens, memberships and links go with the user. */
export async function deleteUser({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<void> {
  requireAdmin(ctx.actor);
  const userId = await ctx.db.transaction(async (tx) => {
    const user = await requireUserByName(tx, input.name);
    if (user.admin) await assertAnotherAdminRemains(tx, user.id);
    await deleteRunSeries(tx, user.id); // no foreign key to cascade them: see lib/runs/delete-data.ts
    await tx.delete(users).where(eq(users.id, user.id));
    return user.id;
  });
  closeSockets({ userId }); // sessions and tokens went by cascade; their open sockets go now
}
