import { asc, eq } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { homeArchives, type HomeArchiveRow } from "../db/schema";
import { NotFoundError } from "../errors";
import { purgeHome } from "./keep";

export function homeModel(r: HomeArchiveRow) {
  return {
    id: r.id, user: r.userName, user_id: r.userId, spawner: r.spawner, location: r.location, mode: r.mode,
    deleted_at: r.deletedAt.toISOString(), purge_after: r.purgeAfter?.toISOString() ?? null,
  };
}

/** GET /api/homes (admin): deleted users' homes still kept, to be deleted or archived. */
export async function listHomes({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const rows = await ctx.db.select().from(homeArchives).orderBy(asc(homeArchives.id));
  return { homes: rows.map(homeModel) };
}

/** DELETE /api/homes/{id} (admin): delete a kept home now. */
export async function deleteHome({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  requireAdmin(ctx.actor);
  const [row] = await ctx.db.select().from(homeArchives).where(eq(homeArchives.id, input.id));
  if (!row) throw new NotFoundError(`No kept home ${input.id}`);
  await purgeHome(ctx.db, row);
}
