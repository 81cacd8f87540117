import { ValidationError } from "../../errors";

/** What a blob store knows about one blob. */
export interface BlobStat {
  size: number;
}

/** Totals over a store, for tests, quotas and garbage collection reports. */
export interface BlobUsage {
  blobs: number;
  bytes: number;
}

/**
 * The pluggable storage for dataset chunks: content-addressed (a blob's name is the SHA-256 of
 * its bytes, lower-case hex), so a blob never changes once written. Implementations keep two
 * promises: `put` is idempotent, and atomic (a reader, or a restart after a crash, sees the
 * whole blob or none of it under its hash).
 */
export interface BlobStore {
  readonly kind: string;
  has(hash: string): Promise<boolean>;
  /**
   * Stores the bytes (one buffer, or pieces written one after another) under `hash` unless they
   * are there already. Resolves true when it wrote them. The bytes may be views of memory the
   * caller reuses once this resolves: a store copies what it needs to keep.
   */
  put(hash: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<boolean>;
  /** The blob's bytes; NotFoundError when it is not stored. */
  get(hash: string): Promise<Buffer>;
  /** null when the blob is not stored. */
  stat(hash: string): Promise<BlobStat | null>;
  /** Resolves true when a blob was removed, false when there was none. */
  delete(hash: string): Promise<boolean>;
  /**
   * Makes every put that has resolved durable (it survives a power cut). Ingest calls it
   * before it returns, so a manifest is never recorded ahead of its chunks.
   */
  flush(): Promise<void>;
  /** Every stored hash, in no particular order. */
  list(): AsyncIterable<string>;
  usage(): Promise<BlobUsage>;
}

const HASH = /^[0-9a-f]{64}$/;

/** Hashes reach paths and URLs: anything but 64 lower-case hex digits is refused. */
export function assertBlobHash(hash: string): void {
  if (!HASH.test(hash)) throw new ValidationError("a blob hash is 64 lower-case hex digits (SHA-256)", "hash");
}

export function isBlobHash(name: string): boolean {
  return HASH.test(name);
}

