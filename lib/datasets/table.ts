import { eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { datasetVersions, type ManifestFile } from "../db/schema";
import { NotFoundError, ValidationError } from "../errors";
import { blobStore } from "./blobs";
import { storedProfile } from "./checks";
import { previewTable } from "./csv/preview";
import { profileTable } from "./csv/profile";
import { isTable } from "./paths";
import { readFile } from "./store";
import { findVersion } from "./versions";

const delimiterOf = (path: string) => (/\.tsv$/i.test(path) ? "\t" : ",") as "," | "\t";

/**
 * A table file of a version as its page shows it: the first rows, and the column profile
 * computed when the version was committed. Versions committed before profiles were kept
 * get theirs computed now, once, and stored in their manifest (derived data: the files and
 * their hashes do not change).
 */
export async function versionTable({ ctx, input }: { ctx: Ctx; input: { ref: string; version: number; path: string; rows: number } }) {
  const { dataset, version } = await findVersion(ctx, input.ref, input.version);
  const file = version.files.find((f) => f.path === input.path);
  if (!file) throw new NotFoundError(`${dataset.ref} version ${input.version} has no file ${input.path}`);
  if (!isTable(file.path)) throw new ValidationError("Only .csv and .tsv files have a preview and a profile", "path");
  const store = blobStore();
  const [preview, profile] = await Promise.all([
    previewTable(readFile(store, file.chunks), input.rows, delimiterOf(file.path)),
    file.profile ? { rows: file.rows ?? 0, ...file.profile } : backfill(ctx, version.id, file),
  ]);
  return { path: file.path, rows: profile.rows, columns: profile.columns, columns_total: profile.columns_total, preview };
}

async function backfill(ctx: Ctx, versionId: number, file: ManifestFile) {
  const table = await profileTable(readFile(blobStore(), file.chunks), delimiterOf(file.path));
  const profile = storedProfile(table);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ files: datasetVersions.files }).from(datasetVersions).where(eq(datasetVersions.id, versionId)).for("update");
    if (!row) return;
    const files = row.files.map((f) => (f.path === file.path ? { ...f, rows: table.rows, profile } : f));
    await tx.update(datasetVersions).set({ files }).where(eq(datasetVersions.id, versionId));
  });
  return { rows: table.rows, ...profile };
}
