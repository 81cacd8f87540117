import { and, eq, type SQL } from "drizzle-orm";
import { type Ctx, isAdmin } from "../auth/principal";
import { ownedPublicOrShared } from "../auth/sharing";
import { datasetShares, datasets, type DatasetRow, users, type UserRow } from "../db/schema";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";

/** Who is asking, for datasets. A server's token (code in a kernel) never carries its owner's admin rights. */
export function datasetActor(ctx: Ctx): { user: UserRow | null; admin: boolean } {
  const a = ctx.actor;
  if (!a) throw new UnauthorizedError();
  if (a.kind === "service") return { user: null, admin: true };
  return { user: a.user, admin: isAdmin(a) && !a.serverId };
}

/** The caller's own datasets: uploads and new datasets need a user (the bootstrap admin token has none). */
export function requireDatasetUser(ctx: Ctx): UserRow {
  const { user } = datasetActor(ctx);
  if (!user) throw new ForbiddenError("Datasets belong to users; use a user's token");
  return user;
}

/** Rows the caller may read: own, public, shared with one of their groups; admins all (undefined: no filter). */
export function readableBy(ctx: Ctx): SQL | undefined {
  const { user, admin } = datasetActor(ctx);
  if (admin) return undefined;
  return ownedPublicOrShared(ctx.db, user!.id, datasets, { table: datasetShares, resource: datasetShares.datasetId, group: datasetShares.groupId });
}

export function parseRef(ctx: Ctx, ref: string): { owner: string | null; name: string } {
  const i = ref.indexOf(":");
  if (i >= 0) return { owner: ref.slice(0, i), name: ref.slice(i + 1) };
  return { owner: datasetActor(ctx).user?.name ?? null, name: ref };
}

export interface FoundDataset {
  row: DatasetRow;
  owner: string;
  /** `owner:name`, how other users name it. */
  ref: string;
}

/**
 * The dataset a ref names, if the caller may read it; else 404, exactly as a missing one.
 * `write`: the owner or an admin only; a reader who may not change it gets 403.
 */
export async function findDataset(ctx: Ctx, ref: string, need: "read" | "write" = "read"): Promise<FoundDataset> {
  const { owner, name } = parseRef(ctx, ref);
  const missing = new NotFoundError(`No such dataset: ${ref}`);
  if (!owner) throw missing;
  const [found] = await ctx.db
    .select({ row: datasets, owner: users.name })
    .from(datasets)
    .innerJoin(users, eq(users.id, datasets.ownerId))
    .where(and(eq(users.name, owner), eq(datasets.name, name), readableBy(ctx)));
  if (!found) throw missing;
  if (need === "write" && !canWrite(ctx, found.row)) throw new ForbiddenError(`You may read ${found.owner}:${name} but not change it`);
  return { row: found.row, owner: found.owner, ref: `${found.owner}:${name}` };
}

export function canWrite(ctx: Ctx, row: DatasetRow): boolean {
  const { user, admin } = datasetActor(ctx);
  return admin || row.ownerId === user?.id;
}
