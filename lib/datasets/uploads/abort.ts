import type { Ctx } from "../../auth/principal";
import { datasetUploads } from "../../db/schema";
import { findUpload, uploadOf } from "./find";

/** Drops an upload: nothing of it is ever visible. Its chunks stay in the store, shared by content. */
export async function abortUpload({ ctx, input }: { ctx: Ctx; input: { ref: string; uploadId: string } }): Promise<void> {
  const { dataset } = await findUpload(ctx, input.ref, input.uploadId);
  await ctx.db.delete(datasetUploads).where(uploadOf(ctx, dataset.row, input.uploadId));
}
