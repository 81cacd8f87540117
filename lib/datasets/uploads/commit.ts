import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../../auth/principal";
import { datasets, datasetUploads, datasetVersions, type ManifestFile, runInputs } from "../../db/schema";
import { ConflictError, NotFoundError, ValidationError } from "../../errors";
import { requireDatasetUser } from "../access";
import { blobStore } from "../blobs";
import { evaluateChecks, mergeChecks, profileTables } from "../checks";
import { announceDatasetVersion } from "../version-events";
import { versionDetail } from "../versions";
import { findUpload, uploadOf } from "./find";

const sameFiles = (a: ManifestFile[], b: ManifestFile[]) =>
  a.length === b.length && a.every((f) => b.some((g) => g.path === f.path && g.sha256 === f.sha256));

/**
 * Makes an upload's files the dataset's next version: tables profiled and checked first
 * (streamed from the store, outside any transaction), then, in one transaction, the upload
 * consumed and the version numbered under a lock on the dataset row, so concurrent commits
 * get 1, 2, 3... A version that fails its checks is still a version, marked failed.
 * Lineage: the producing run (this request's, else the one that opened the upload) and the
 * versions that run had read.
 */
export async function commitUpload({ ctx, input }: { ctx: Ctx; input: { ref: string; uploadId: string; runId: number | null } }) {
  const user = requireDatasetUser(ctx);
  const { dataset, upload } = await findUpload(ctx, input.ref, input.uploadId);
  if (upload.files.length === 0) throw new ValidationError("The upload holds no file: PUT at least one before committing", "files");
  const sorted = [...upload.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  const { files, tables } = await profileTables(blobStore(), sorted);
  const checks = evaluateChecks(mergeChecks(dataset.row.checks, upload.checks), tables);
  const runId = input.runId ?? upload.runId;
  const parents = runId ? await ctx.db.select({ id: runInputs.versionId }).from(runInputs).where(eq(runInputs.runId, runId)) : [];

  const version = await ctx.db.transaction(async (tx) => {
    await tx.select({ id: datasets.id }).from(datasets).where(eq(datasets.id, dataset.row.id)).for("update");
    const [taken] = await tx.delete(datasetUploads).where(uploadOf(ctx, dataset.row, upload.id)).returning({ files: datasetUploads.files });
    if (!taken) throw new NotFoundError(`Upload ${upload.id} was committed or aborted meanwhile`);
    if (!sameFiles(taken.files, files)) throw new ConflictError("Files were added to the upload while it was being committed; commit again");
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${datasetVersions.version}), 0) + 1` })
      .from(datasetVersions)
      .where(eq(datasetVersions.datasetId, dataset.row.id))) as [{ next: number }];
    const [row] = await tx
      .insert(datasetVersions)
      .values({
        datasetId: dataset.row.id, version: Number(next), files, size: files.reduce((n, f) => n + f.size, 0), message: upload.message,
        createdBy: user.id, producedByRunId: runId, parentVersionIds: parents.map((p) => p.id),
        checksStatus: checks.status, checkResults: checks.results,
      })
      .returning();
    return row!;
  });
  announceDatasetVersion(ctx.db, version);
  const detail = await versionDetail(ctx, { dataset, version });
  return { ...detail, checks: { status: checks.status, results: checks.results } };
}
