import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { Ctx } from "../../auth/principal";
import { datasetUploads } from "../../db/schema";
import { findDataset, parseRef, requireDatasetUser } from "../access";
import { ensureOwnDataset } from "../create";
import type { startUploadBody } from "../schemas";

/**
 * Opens an upload: files are PUT into it, then a commit makes them one new version. Your own
 * dataset is created on the first upload to its name; someone else's needs the right to change it.
 */
export async function startUpload({ ctx, input }: { ctx: Ctx; input: { ref: string; runId: number | null; body: z.output<typeof startUploadBody> } }) {
  const user = requireDatasetUser(ctx);
  const { owner, name } = parseRef(ctx, input.ref);
  const dataset = owner === user.name ? { row: await ensureOwnDataset(ctx, name), owner } : await findDataset(ctx, input.ref, "write");
  const id = randomBytes(16).toString("base64url");
  await ctx.db.insert(datasetUploads).values({ id, datasetId: dataset.row.id, userId: user.id, runId: input.runId, message: input.body.message ?? "", checks: input.body.checks ?? {} });
  return { upload_id: id, dataset: dataset.row.name, owner: dataset.owner };
}
