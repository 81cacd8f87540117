import { and, sql } from "drizzle-orm";
import type { Ctx } from "../../auth/principal";
import { datasetUploads, type ManifestFile } from "../../db/schema";
import { NotFoundError, ValidationError } from "../../errors";
import { blobStore } from "../blobs";
import { MAX_FILES_PER_VERSION } from "../paths";
import { ingestStream } from "../store";
import { findUpload, uploadOf } from "./find";

const tooMany = () => new ValidationError(`A version holds at most ${MAX_FILES_PER_VERSION} files`, "path");

/**
 * Streams one file into the blob store (chunked, never whole in memory) and records it in
 * the upload, replacing a file of the same path. Recorded only once every byte is stored:
 * a body that fails half-way leaves the upload as it was.
 */
export async function putUploadFile({ ctx, input }: { ctx: Ctx; input: { ref: string; uploadId: string; path: string; bytes: AsyncIterable<Uint8Array> } }) {
  const { dataset, upload } = await findUpload(ctx, input.ref, input.uploadId);
  if (upload.files.length >= MAX_FILES_PER_VERSION && !upload.files.some((f) => f.path === input.path)) throw tooMany();
  const ingested = await ingestStream(blobStore(), input.bytes);
  const file: ManifestFile = { path: input.path, size: ingested.size, sha256: ingested.sha256, chunks: ingested.chunks };
  // One statement, so two PUTs into the same upload at once cannot lose each other's file.
  const others = sql`coalesce((select jsonb_agg(f) from jsonb_array_elements(${datasetUploads.files}) f where f->>'path' <> ${input.path}), '[]'::jsonb)`;
  const [recorded] = await ctx.db
    .update(datasetUploads)
    .set({ files: sql`${others} || ${JSON.stringify([file])}::jsonb` })
    .where(and(uploadOf(ctx, dataset.row, input.uploadId), sql`jsonb_array_length(${others}) < ${MAX_FILES_PER_VERSION}`))
    .returning({ id: datasetUploads.id });
  if (!recorded) {
    const [still] = await ctx.db.select({ id: datasetUploads.id }).from(datasetUploads).where(uploadOf(ctx, dataset.row, input.uploadId));
    if (!still) throw new NotFoundError(`Upload ${input.uploadId} was committed or aborted meanwhile`);
    throw tooMany();
  }
  return { path: file.path, size: file.size, sha256: file.sha256 };
}
