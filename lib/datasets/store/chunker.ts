import { createHash } from "node:crypto";

/**
 * Content-defined chunking, FastCDC-style (gear hash, normalised chunking, cut-point skipping).
 * A chunk ends where the content says so, not at a fixed offset, so an edit in the middle of
 * a file moves only the boundaries next to it and every other chunk keeps its hash.
 *
 * Sizes: ~512 KiB on average keeps a 100 GB dataset at ~200,000 chunks (one row each in the
 * database) while an edit rewrites well under a few MB. The 128 KiB floor bounds the per-chunk
 * overhead (a request, a row) and is skipped without hashing, which makes chunking faster; the
 * 2 MiB ceiling bounds the memory one chunk needs and the cost of rewriting one.
 */
export const MIN_CHUNK = 128 * 1024;
export const AVG_CHUNK = 512 * 1024;
export const MAX_CHUNK = 2 * 1024 * 1024;

/** Stored next to manifests: a different table or mask gives different boundaries. */
export const CHUNKER_ID = "kiln-gear32-512k-v1";

// Normalised chunking, mildly: a cut is half as likely per byte before AVG_CHUNK (19-bit mask)
// as after it (18 bits), which narrows the spread of sizes and makes the 2 MiB cap rare
// (~0.1% of chunks). FastCDC's stronger level 2 (21/17 bits) narrows it more, but then most
// cuts depend on where their chunk began, so after an edit the boundaries take several chunks
// to fall back into step: simulating 120 random 1 MB overwrites of random data, level 2
// rewrote up to 5.3 MB, this setting at most 3.2 MB (median 1.7 MB).
// The masks take the hash's TOP bits: with `h << 1`, bit k depends on the last k+1 bytes
// only, so only the top bits see the whole 32-byte window.
const MASK_BEFORE_AVG = topBits(19);
const MASK_AFTER_AVG = topBits(18);

function topBits(n: number): number {
  return (0xffffffff << (32 - n)) | 0;
}

/** 256 pseudo-random 32-bit values, SHA-256 in counter mode from a fixed seed: the same on every machine, forever. */
function gearTable(seed: string): Int32Array {
  const table = new Int32Array(256);
  for (let block = 0; block < 32; block++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(block);
    const digest = createHash("sha256").update(seed).update(counter).digest();
    for (let j = 0; j < 8; j++) table[block * 8 + j] = digest.readInt32BE(j * 4);
  }
  return table;
}

const GEAR = gearTable("kiln dataset chunker gear table v1");

/**
 * The chunker itself, as plain JavaScript source: the same text runs on this thread (Chunker
 * below) and in the hashing worker that cuts uploads (hash-worker.ts, whose code is eval'd
 * source with no module to import), so the boundaries are the same wherever they are found.
 * Called with the gear table, the sizes and the masks; gives the Chunker class.
 *
 * scanHash is the hot loop, kept small and always called with a plain Uint8Array so V8 keeps
 * it monomorphic and optimised. It returns the end (exclusive) of the chunk, or -1, leaving
 * the rolling hash in `carried`. Four bytes a turn, each still checked in order, so the
 * boundaries are exactly the one-byte loop's (the golden test holds): V8 compiles it to fewer
 * loop checks, and a 512 MB stream chunks at 1.6-1.7 GB/s instead of 1.1 on this VM.
 *
 * A Chunker is streaming: push buffers of any size, get the offsets (into that buffer) where
 * chunks end; the boundaries are the same however the input is split. Cut-point skipping: no
 * boundary can fall below the minimum, so nothing is hashed there.
 */
export const CHUNKER_SOURCE = `(function makeChunker(GEAR, MIN_CHUNK, AVG_CHUNK, MAX_CHUNK, MASK_BEFORE_AVG, MASK_AFTER_AVG) {
  let carried = 0;
  function scanHash(bytes, from, to, mask, hash) {
    const gear = GEAR;
    let h = hash;
    let i = from;
    for (; i + 4 <= to; i += 4) {
      const h0 = ((h << 1) + gear[bytes[i]]) | 0;
      if ((h0 & mask) === 0) return i + 1;
      const h1 = ((h0 << 1) + gear[bytes[i + 1]]) | 0;
      if ((h1 & mask) === 0) return i + 2;
      const h2 = ((h1 << 1) + gear[bytes[i + 2]]) | 0;
      if ((h2 & mask) === 0) return i + 3;
      h = ((h2 << 1) + gear[bytes[i + 3]]) | 0;
      if ((h & mask) === 0) return i + 4;
    }
    for (; i < to; i++) {
      h = ((h << 1) + gear[bytes[i]]) | 0;
      if ((h & mask) === 0) return i + 1;
    }
    carried = h;
    return -1;
  }
  return class Chunker {
    constructor() {
      this.inChunk = 0; // bytes of the chunk in progress seen so far (across pushes)
      this.hash = 0;
    }
    push(buf) {
      const bytes = buf.constructor === Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      const cuts = [];
      const end = bytes.length;
      let pos = 0;
      while (pos < end) {
        if (this.inChunk < MIN_CHUNK) {
          const skip = Math.min(MIN_CHUNK - this.inChunk, end - pos);
          this.inChunk += skip;
          pos += skip;
          continue;
        }
        const beforeAvg = this.inChunk < AVG_CHUNK;
        const limit = Math.min(end, pos + (beforeAvg ? AVG_CHUNK : MAX_CHUNK) - this.inChunk);
        const cut = scanHash(bytes, pos, limit, beforeAvg ? MASK_BEFORE_AVG : MASK_AFTER_AVG, this.hash);
        if (cut >= 0) {
          cuts.push(cut);
          this.inChunk = 0;
          this.hash = 0;
          pos = cut;
          continue;
        }
        this.hash = carried;
        this.inChunk += limit - pos;
        pos = limit;
        if (this.inChunk === MAX_CHUNK) {
          cuts.push(pos);
          this.inChunk = 0;
          this.hash = 0;
        }
      }
      return cuts;
    }
    finish() {
      const pending = this.inChunk > 0;
      this.inChunk = 0;
      this.hash = 0;
      return pending;
    }
  };
})`;

/** What makeChunker needs, in its order (the hashing worker gets the same through workerData). */
export const CHUNKER_ARGS = [GEAR, MIN_CHUNK, AVG_CHUNK, MAX_CHUNK, MASK_BEFORE_AVG, MASK_AFTER_AVG] as const;

/** A streaming chunker (see CHUNKER_SOURCE). */
export interface ChunkerLike {
  /** Offsets in `buf` (exclusive ends) where a chunk ends. */
  push(buf: Uint8Array): number[];
  /** Whether bytes are left over that form the last (short) chunk; resets for the next file. */
  finish(): boolean;
}

// Kiln's own source above, never input: one text for this thread and the worker.
export const Chunker = (new Function(`return ${CHUNKER_SOURCE}`)() as (...args: typeof CHUNKER_ARGS) => new () => ChunkerLike)(...CHUNKER_ARGS);

/** Chunk sizes of a buffer held whole in memory (for tests and small inputs). */
export function chunkSizes(buf: Uint8Array): number[] {
  const chunker = new Chunker();
  const sizes: number[] = [];
  let start = 0;
  for (const cut of chunker.push(buf)) {
    sizes.push(cut - start);
    start = cut;
  }
  if (chunker.finish()) sizes.push(buf.length - start);
  return sizes;
}
