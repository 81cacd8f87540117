import { eq } from "drizzle-orm";
import type { UserModel } from "../api/schemas";
import { type Ctx, requireAdmin } from "../auth/principal";
import { users } from "../db/schema";
import { assertAnotherAdminRemains } from "./admins";
import { requireUserByName } from "./find";
import { toUserModel } from "./serialize";

/** PATCH /hub/api/users/{name} (admin): the admin flag and the display name. */
export async function updateUser({ ctx, input }: { ctx: Ctx; input: { name: string; admin?: boolean; display_name?: string } }): Promise<UserModel> {
  requireAdmin(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const user = await requireUserByName(tx, input.name);
    if (input.admin === false && user.admin) await assertAnotherAdminRemains(tx, user.id);
    const [row] = await tx
      .update(users)
      .set({ admin: input.admin ?? user.admin, displayName: input.display_name ?? user.displayName })
      .where(eq(users.id, user.id))
      .returning();
    return toUserModel(tx, row!);
  });
}
