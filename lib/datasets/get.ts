import type { Ctx } from "../auth/principal";
import { findDataset } from "./access";
import { toSummaries, versionSummaries } from "./serialize";

/** A dataset with its versions, newest first. */
export async function getDataset({ ctx, input }: { ctx: Ctx; input: { ref: string } }) {
  const found = await findDataset(ctx, input.ref);
  const [summary, versions] = await Promise.all([toSummaries(ctx.db, [found]), versionSummaries(ctx.db, found.row.id)]);
  return { ...summary[0]!, versions };
}
