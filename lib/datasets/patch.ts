import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Ctx } from "../auth/principal";
import { groupIdsByName } from "../auth/sharing";
import type { Db } from "../db";
import { datasetShares, datasets } from "../db/schema";
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
      const ids = await groupIdsByName(tx as unknown as Db, patch.shared_groups);
      await tx.delete(datasetShares).where(eq(datasetShares.datasetId, row.id));
      if (ids.length) await tx.insert(datasetShares).values(ids.map((groupId) => ({ datasetId: row.id, groupId })));
    }
  });
  return getDataset({ ctx, input: { ref } });
}
