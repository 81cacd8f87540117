import { eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { datasetShares, datasets, groups } from "../db/schema";
import { ValidationError } from "../errors";
import { findDataset } from "./access";
import { getDataset } from "./get";
import type { patchBody } from "./schemas";

/** Description, checks, public, and the groups it is shared with (owner or admin). */
export async function patchDataset({ ctx, input }: { ctx: Ctx; input: { ref: string; patch: z.output<typeof patchBody> } }) {
  const { row, ref } = await findDataset(ctx, input.ref, "write");
  const { patch } = input;
  await ctx.db.transaction(async (tx) => {
    const set: Partial<typeof datasets.$inferInsert> = {};
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.checks !== undefined) set.checks = patch.checks;
    if (patch.public !== undefined) set.public = patch.public;
    if (Object.keys(set).length) await tx.update(datasets).set(set).where(eq(datasets.id, row.id));
    if (patch.shared_groups) {
      const ids = await groupIds(tx as unknown as Db, [...new Set(patch.shared_groups)]);
      await tx.delete(datasetShares).where(eq(datasetShares.datasetId, row.id));
      if (ids.length) await tx.insert(datasetShares).values(ids.map((groupId) => ({ datasetId: row.id, groupId })));
    }
  });
  return getDataset({ ctx, input: { ref } });
}

/** Group ids for names; an unknown one is a 400 naming it (nothing is changed). */
async function groupIds(db: Db, names: string[]): Promise<number[]> {
  if (names.length === 0) return [];
  const rows = await db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.name, names));
  const missing = names.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw new ValidationError(`shared_groups: no such group: ${missing.join(", ")}`, "shared_groups");
  return rows.map((r) => r.id);
}
