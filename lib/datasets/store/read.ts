import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { BlobStore } from "./blob-store";
import type { ChunkRef } from "./ingest";

export interface ReadFileOptions {
  /** Check each chunk's SHA-256 and size as it is read (costs one hash pass). Default true. */
  verify?: boolean;
  /** Chunks fetched ahead of the reader; S3 round trips overlap this way. Default 4. */
  readAhead?: number;
}

/** A corrupt or missing chunk met while reading: the stream errors with this, never with wrong bytes. */
export class CorruptBlobError extends Error {
  constructor(readonly hash: string, reason: string) {
    super(`blob ${hash}: ${reason}`);
    this.name = "CorruptBlobError";
  }
}

/** The file a manifest describes, chunk after chunk; only `readAhead` chunks are held in memory. */
export function readFile(store: BlobStore, chunks: readonly ChunkRef[], options: ReadFileOptions = {}): Readable {
  const verify = options.verify ?? true;
  const readAhead = Math.max(1, options.readAhead ?? 4);
  const fetchChunk = async (ref: ChunkRef) => {
    const bytes = await store.get(ref.hash);
    if (verify) assertChunk(ref, bytes);
    return bytes;
  };
  async function* chunksInOrder() {
    const ahead: Promise<Buffer>[] = [];
    let next = 0;
    while (next < chunks.length || ahead.length) {
      while (next < chunks.length && ahead.length < readAhead) {
        const p = fetchChunk(chunks[next++]!);
        // A chunk fetched ahead may fail before its turn, or never get one (an earlier error,
        // the reader closing early): its failure surfaces when it is awaited, or not at all.
        p.catch(() => undefined);
        ahead.push(p);
      }
      yield await ahead.shift()!;
    }
  }
  return Readable.from(chunksInOrder(), { objectMode: false });
}

function assertChunk(ref: ChunkRef, bytes: Buffer) {
  if (bytes.length !== ref.size) throw new CorruptBlobError(ref.hash, `${bytes.length} bytes stored, ${ref.size} expected`);
  if (createHash("sha256").update(bytes).digest("hex") !== ref.hash) throw new CorruptBlobError(ref.hash, "content does not match its hash");
}

/** Whether the stored blob's bytes hash to its name. */
export async function verifyBlob(store: BlobStore, hash: string): Promise<boolean> {
  const bytes = await store.get(hash).catch(() => null);
  return bytes !== null && createHash("sha256").update(bytes).digest("hex") === hash;
}

export interface FileCheck {
  ok: boolean;
  missing: string[];
  corrupt: string[];
  /** SHA-256 of the reassembled bytes (only when every chunk was present and sound). */
  sha256?: string;
}

/**
 * Reads a whole manifest back: every chunk present, sound, of the recorded size, and (when
 * given) the reassembled file's SHA-256 equal to the recorded one.
 */
export async function verifyFile(store: BlobStore, chunks: readonly ChunkRef[], expectedSha256?: string): Promise<FileCheck> {
  const missing: string[] = [];
  const corrupt: string[] = [];
  const whole = createHash("sha256");
  for (const ref of chunks) {
    const bytes = await store.get(ref.hash).catch(() => null);
    if (!bytes) missing.push(ref.hash);
    else if (bytes.length !== ref.size || createHash("sha256").update(bytes).digest("hex") !== ref.hash) corrupt.push(ref.hash);
    else whole.update(bytes);
  }
  if (missing.length || corrupt.length) return { ok: false, missing, corrupt };
  const sha256 = whole.digest("hex");
  return { ok: expectedSha256 === undefined || sha256 === expectedSha256, missing, corrupt, sha256 };
}
