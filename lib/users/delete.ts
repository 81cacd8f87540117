import { eq } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { users } from "../db/schema";
import { assertAnotherAdminRemains } from "./admins";
import { requireUserByName } from "./find";

/** DELETE /hub/api/users/{name} (admin): tokens, memberships and links go with the user. */
export async function deleteUser({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<void> {
  requireAdmin(ctx.actor);
  await ctx.db.transaction(async (tx) => {
    const user = await requireUserByName(tx, input.name);
    if (user.admin) await assertAnotherAdminRemains(tx, user.id);
    await tx.delete(users).where(eq(users.id, user.id));
  });
}
