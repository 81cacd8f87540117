import { createReadStream } from "node:fs";
import { ValidationError } from "../../errors";
import type { BlobStore } from "./blob-store";
import { Chunker } from "./chunker";
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
  /** Chunks being stored at once (S3 round trips overlap); bounds memory to about this times 2 MiB. */
  inFlight?: number;
}

/**
 * Chunks a stream, hashes every chunk and the whole file in the same pass, and stores the
 * chunks the store lacks. Memory stays bounded whatever the size: input is held only until
 * its chunks are hashed and stored. This thread scans for boundaries; the hashes run on a
 * worker (stream-hasher.ts) and the store's I/O on libuv's pool, so the cores work together.
 *
 * The input's buffers are kept (not copied) until stored, so its producer must not reuse them
 * after yielding them; Node streams, fetch bodies and file reads never do.
 */
export async function ingestStream(store: BlobStore, input: AsyncIterable<Uint8Array>, options: IngestOptions = {}): Promise<IngestResult> {
  const limit = options.inFlight ?? 8;
  const chunks: ChunkRef[] = [];
  const awaitingHash: { ref: ChunkRef; pieces: Uint8Array[] }[] = [];
  const storing = new Set<Promise<void>>();
  // Two chunks of one file with the same bytes (runs of zeros, repeated records) are stored once.
  const seen = new Set<string>();
  let newBytes = 0;
  let newChunks = 0;
  let failure: { error: unknown } | undefined;

  const storeChunk = async (hash: string, pieces: Uint8Array[]) => {
    const bytes = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    if (await store.put(hash, bytes)) {
      newBytes += bytes.length;
      newChunks++;
    }
  };
  const hasher = new StreamHasher((hash) => {
    const { ref, pieces } = awaitingHash.shift()!;
    ref.hash = hash;
    if (seen.has(hash)) return;
    seen.add(hash);
    const job: Promise<void> = storeChunk(hash, pieces)
      .catch((error) => void (failure ??= { error }))
      .finally(() => storing.delete(job));
    storing.add(job);
  });
  const chunkEnded = (pieces: Uint8Array[], size: number) => {
    const ref: ChunkRef = { hash: "", size };
    chunks.push(ref);
    awaitingHash.push({ ref, pieces });
  };

  const chunker = new Chunker();
  let size = 0;
  let pieces: Uint8Array[] = []; // of the chunk in progress, across input buffers
  let piecesBytes = 0;
  try {
    for await (const buf of input) {
      if (!(buf instanceof Uint8Array)) throw new ValidationError("ingest reads bytes; the stream gave something else", "input");
      const cuts = chunker.push(buf);
      let start = 0;
      for (const cut of cuts) {
        pieces.push(buf.subarray(start, cut));
        chunkEnded(pieces, piecesBytes + cut - start);
        pieces = [];
        piecesBytes = 0;
        start = cut;
      }
      if (start < buf.length) {
        pieces.push(buf.subarray(start));
        piecesBytes += buf.length - start;
      }
      await hasher.write(buf, cuts.map((c) => size + c));
      size += buf.length;
      while (storing.size >= limit) await Promise.race(storing);
      if (failure) throw failure.error;
    }
    if (chunker.finish()) chunkEnded(pieces, piecesBytes);
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
