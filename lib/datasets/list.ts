import { asc, eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { datasets, users } from "../db/schema";
import { readableBy } from "./access";
import { toSummaries } from "./serialize";

/** What the caller may read: own, shared with one of their groups, public; admins all. */
export async function listDatasets({ ctx }: { ctx: Ctx }) {
  const rows = await ctx.db
    .select({ row: datasets, owner: users.name })
    .from(datasets)
    .innerJoin(users, eq(users.id, datasets.ownerId))
    .where(readableBy(ctx))
    .orderBy(asc(users.name), asc(datasets.name));
  return { datasets: await toSummaries(ctx.db, rows) };
}
