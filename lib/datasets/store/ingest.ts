import { createReadStream } from "node:fs";
import { ValidationError } from "../../errors";
import type { BlobStore } from "./blob-store";
import { StreamHasher } from "./stream-hasher";

/** One chunk of a file, in order: the manifest of a dataset version is a list of these. */
export interface ChunkRef {
  hash: string;
  size: number;
}

export interface IngestResult {
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  size: number;
  chunks: ChunkRef[];
  /** Bytes this ingest added to the store (chunks it did not have). */
  newBytes: number;
  newChunks: number;
}

export interface IngestOptions {
  /** Chunks being stored at once (S3 round trips, fsyncs overlap). Memory is bounded by the hasher's slabs either way. */
  inFlight?: number;
}

/**
 * Chunks a stream, hashes every chunk and the whole file in the same pass, and stores the
 * chunks the store lacks. Memory stays bounded whatever the size: input is copied once into
 * the hasher's slabs and held there only until its chunks are hashed and stored. This thread
 * copies and stores; the boundaries and the two hashes are found on two workers
 * (stream-hasher.ts) and the store's I/O runs on its writing threads, so the cores work
 * together. The input's buffers are not kept.
 */
export async function ingestStream(store: BlobStore, input: AsyncIterable<Uint8Array>, options: IngestOptions = {}): Promise<IngestResult> {
  const limit = options.inFlight ?? 8;
  const chunks: ChunkRef[] = [];
  const storing = new Set<Promise<void>>();
  // Two chunks of one file with the same bytes (runs of zeros, repeated records) are stored once.
  const seen = new Set<string>();
  let newBytes = 0;
  let newChunks = 0;
  let failure: { error: unknown } | undefined;

  const hasher = new StreamHasher((chunk) => {
    chunks.push({ hash: chunk.hash, size: chunk.size });
    if (seen.has(chunk.hash)) return chunk.release();
    seen.add(chunk.hash);
    const job: Promise<void> = store
      .put(chunk.hash, chunk.pieces)
      .then((wrote) => {
        if (!wrote) return;
        newBytes += chunk.size;
        newChunks++;
      })
      .catch((error) => void (failure ??= { error }))
      .finally(() => {
        chunk.release();
        storing.delete(job);
      });
    storing.add(job);
  });

  let size = 0;
  try {
    for await (const buf of input) {
      if (!(buf instanceof Uint8Array)) throw new ValidationError("ingest reads bytes; the stream gave something else", "input");
      await hasher.write(buf);
      size += buf.length;
      while (storing.size >= limit) await Promise.race(storing);
      if (failure) throw failure.error;
    }
    const sha256 = await hasher.end();
    await Promise.all(storing);
    if (failure) throw failure.error;
    await store.flush();
    return { sha256, size, chunks, newBytes, newChunks };
  } catch (e) {
    hasher.abort();
    await Promise.all(storing); // let started writes finish: nothing is left half done
    throw e;
  }
}

/** ingestStream over a file on disk, read in large blocks (fewer, bigger reads are cheaper). */
export async function ingestFile(store: BlobStore, file: string, options: IngestOptions = {}): Promise<IngestResult> {
  return ingestStream(store, createReadStream(file, { highWaterMark: 4 * 1024 * 1024 }), options);
}
