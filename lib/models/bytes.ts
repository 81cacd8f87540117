import type { BlobChunk } from "../db/schema";
import { blobStore } from "../datasets/blobs";
import { readFile } from "../datasets/store";
import { PayloadTooLargeError } from "../errors";

/** onnxruntime takes a model whole; protobuf itself stops at 2 GB. */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024;

/** A stored model file's bytes, checked chunk by chunk as they are read. */
export async function modelBytes(chunks: BlobChunk[], size: number): Promise<Uint8Array> {
  if (size > MAX_MODEL_BYTES) throw new PayloadTooLargeError(`model: ${size} bytes; models are served from memory, at most ${MAX_MODEL_BYTES}`);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for await (const piece of readFile(blobStore(), chunks)) {
    (piece as Buffer).copy(out, at);
    at += (piece as Buffer).length;
  }
  return out.subarray(0, at);
}
