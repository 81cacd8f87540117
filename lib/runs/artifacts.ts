import { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { runArtifacts } from "../db/schema";
import { blobStore } from "../datasets/blobs";
import { pathProblem } from "../datasets/paths";
import { ingestStream, readFile } from "../datasets/store";
import { ValidationError } from "../errors";
import { requireArtifact } from "./get";

/**
 * An artifact (or an ONNX model) of a run, streamed into the blob store: chunked and
 * hashed on the way in, never held whole in memory. The same path again replaces it.
 */
export async function putArtifact(
  ctx: Ctx,
  input: { runId: number; path: string; kind: "artifact" | "model"; metadata: Record<string, unknown>; body: ReadableStream<Uint8Array> | null },
) {
  const problem = pathProblem(input.path);
  if (problem) throw new ValidationError(`path: ${problem}`, "path");
  if (!input.body) throw new ValidationError("The artifact's bytes are the request body", "body");
  const stored = await ingestStream(blobStore(), Readable.fromWeb(input.body as never));
  const values = { runId: input.runId, path: input.path, kind: input.kind, size: stored.size, sha256: stored.sha256, chunks: stored.chunks, metadata: input.metadata };
  await ctx.db
    .insert(runArtifacts)
    .values(values)
    .onConflictDoUpdate({ target: [runArtifacts.runId, runArtifacts.path], set: { kind: values.kind, size: values.size, sha256: values.sha256, chunks: values.chunks, metadata: values.metadata, createdAt: sql`now()` } });
  return { run_id: input.runId, path: input.path, size: stored.size, sha256: stored.sha256 };
}

export async function artifactFile({ ctx, input }: { ctx: Ctx; input: { id: number; path: string } }) {
  const a = await requireArtifact(ctx, input.id, input.path);
  return { size: a.size, name: a.path.split("/").at(-1)!, stream: readFile(blobStore(), a.chunks) };
}
