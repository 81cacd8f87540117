import { and, desc, eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { datasetVersions, runInputs } from "../db/schema";
import { NotFoundError } from "../errors";
import { findDataset } from "./access";

/**
 * The kernel's `kiln.dataset(name, version=None)`: the version to read, pinned in the run
 * of the running cell. Without a version: the one this run already pinned, else the
 * latest. The first read of a dataset in a run is its pin; reading another version
 * explicitly later answers it and records nothing new, so a reproduction reads the same data.
 */
export async function resolveForRun({ ctx, input }: { ctx: Ctx; input: { ref: string; version?: number; runId: number } }) {
  const { row, owner } = await findDataset(ctx, input.ref);
  const pinned = async () => {
    const [pin] = await ctx.db
      .select({ v: datasetVersions })
      .from(runInputs)
      .innerJoin(datasetVersions, eq(datasetVersions.id, runInputs.versionId))
      .where(and(eq(runInputs.runId, input.runId), eq(runInputs.datasetId, row.id)));
    return pin?.v;
  };
  let v = input.version === undefined ? await pinned() : undefined;
  if (!v) {
    const [found] = await ctx.db
      .select()
      .from(datasetVersions)
      .where(and(eq(datasetVersions.datasetId, row.id), input.version === undefined ? undefined : eq(datasetVersions.version, input.version)))
      .orderBy(desc(datasetVersions.version))
      .limit(1);
    if (!found) throw new NotFoundError(input.version === undefined ? `${owner}:${row.name} has no version yet` : `${owner}:${row.name} has no version ${input.version}`);
    const inserted = await ctx.db.insert(runInputs).values({ runId: input.runId, datasetId: row.id, versionId: found.id }).onConflictDoNothing().returning({ runId: runInputs.runId });
    // Two first reads at once: the one that lost answers the winner's pin.
    v = input.version === undefined && inserted.length === 0 ? ((await pinned()) ?? found) : found;
  }
  return {
    dataset: row.name, owner, version: v.version, checks_status: v.checksStatus,
    files: v.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
  };
}
