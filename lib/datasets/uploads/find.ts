import { and, eq } from "drizzle-orm";
import type { Ctx } from "../../auth/principal";
import { datasetUploads, type DatasetRow } from "../../db/schema";
import { NotFoundError } from "../../errors";
import { datasetActor, type FoundDataset, findDataset } from "../access";

export type UploadRow = typeof datasetUploads.$inferSelect;

/** An upload in progress on a dataset the caller may change, started by the caller (or any, for an admin); else 404. */
export async function findUpload(ctx: Ctx, ref: string, uploadId: string): Promise<{ dataset: FoundDataset; upload: UploadRow }> {
  const dataset = await findDataset(ctx, ref, "write");
  const [upload] = await ctx.db.select().from(datasetUploads).where(uploadOf(ctx, dataset.row, uploadId));
  if (!upload) throw new NotFoundError(`No upload ${uploadId} in progress on ${dataset.ref}`);
  return { dataset, upload };
}

export function uploadOf(ctx: Ctx, dataset: DatasetRow, uploadId: string) {
  const { user, admin } = datasetActor(ctx);
  return and(eq(datasetUploads.id, uploadId), eq(datasetUploads.datasetId, dataset.id), admin ? undefined : eq(datasetUploads.userId, user!.id));
}
