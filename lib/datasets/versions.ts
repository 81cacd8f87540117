import type { Readable } from "node:stream";
import { and, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { datasets, datasetVersions, type DatasetVersionRow, users } from "../db/schema";
import { NotFoundError } from "../errors";
import { type FoundDataset, findDataset, readableBy } from "./access";
import { blobStore } from "./blobs";
import { readFile } from "./store";

export interface FoundVersion {
  dataset: FoundDataset;
  version: DatasetVersionRow;
}

export async function findVersion(ctx: Ctx, ref: string, version: number): Promise<FoundVersion> {
  const dataset = await findDataset(ctx, ref);
  const [v] = await ctx.db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, dataset.row.id), eq(datasetVersions.version, version)));
  if (!v) throw new NotFoundError(`${dataset.ref} has no version ${version}`);
  return { dataset, version: v };
}

/** The version's page: files (without chunks), checks, lineage (parents the caller may read). */
export async function versionDetail(ctx: Ctx, { dataset, version: v }: FoundVersion) {
  const [creator] = v.createdBy ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, v.createdBy)) : [];
  const parents = v.parentVersionIds.length
    ? await ctx.db
        .select({ dataset: datasets.name, owner: users.name, version: datasetVersions.version })
        .from(datasetVersions)
        .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
        .innerJoin(users, eq(users.id, datasets.ownerId))
        .where(and(inArray(datasetVersions.id, v.parentVersionIds), readableBy(ctx)))
    : [];
  return {
    dataset: dataset.row.name,
    owner: dataset.owner,
    version: v.version,
    files: v.files.map(({ chunks: _chunks, profile: _profile, ...f }) => f), // the profile has its own endpoint
    size: v.size,
    checks_status: v.checksStatus,
    check_results: v.checkResults,
    lineage: { produced_by_run_id: v.producedByRunId, parents },
    created_at: v.createdAt.toISOString(),
    created_by: creator?.name ?? null,
    message: v.message,
  };
}

export async function getVersion({ ctx, input }: { ctx: Ctx; input: { ref: string; version: number } }) {
  return versionDetail(ctx, await findVersion(ctx, input.ref, input.version));
}

/** One file of a version, streamed from the blob store chunk by chunk. */
export async function openVersionFile({ ctx, input }: { ctx: Ctx; input: { ref: string; version: number; path: string } }): Promise<{ path: string; size: number; sha256: string; body: Readable }> {
  const { dataset, version } = await findVersion(ctx, input.ref, input.version);
  const file = version.files.find((f) => f.path === input.path);
  if (!file) throw new NotFoundError(`${dataset.ref} version ${input.version} has no file ${input.path}`);
  return { path: file.path, size: file.size, sha256: file.sha256, body: readFile(blobStore(), file.chunks) };
}
