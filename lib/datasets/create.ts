import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Ctx } from "../auth/principal";
import { datasets, type DatasetRow } from "../db/schema";
import { ConflictError, isUniqueViolation } from "../errors";
import { requireDatasetUser } from "./access";
import type { createBody } from "./schemas";
import { toSummaries } from "./serialize";

export async function createDataset({ ctx, input }: { ctx: Ctx; input: z.output<typeof createBody> }) {
  const user = requireDatasetUser(ctx);
  try {
    const [row] = await ctx.db.insert(datasets).values({ ownerId: user.id, name: input.name, description: input.description, checks: input.checks }).returning();
    return { ...(await toSummaries(ctx.db, [{ row: row!, owner: user.name }]))[0]!, versions: [] };
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`You already have a dataset named "${input.name}"`, "name");
    throw e;
  }
}

/** The caller's dataset of that name, created when missing (an upload to a new name makes the dataset). */
export async function ensureOwnDataset(ctx: Ctx, name: string): Promise<DatasetRow> {
  const user = requireDatasetUser(ctx);
  const own = and(eq(datasets.ownerId, user.id), eq(datasets.name, name));
  const [found] = await ctx.db.select().from(datasets).where(own);
  if (found) return found;
  // Two first uploads at once: one inserts, the other finds it.
  await ctx.db.insert(datasets).values({ ownerId: user.id, name }).onConflictDoNothing();
  const [row] = await ctx.db.select().from(datasets).where(own);
  return row!;
}
