import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { NotFoundError } from "../../errors";
import { assertBlobHash, type BlobStat, type BlobStore, type BlobUsage, isBlobHash } from "./blob-store";
import { DirSyncer } from "./dir-sync";
import { writeBlobFile } from "./file-writer";

export interface LocalBlobStoreOptions {
  root: string;
  /**
   * fsync each blob before it gets its name (and, in flush(), the directories that got new
   * names). Either way a crashed process never leaves a half blob under a hash, as rename is
   * atomic; with fsync the same holds after a power cut or kernel panic, at the cost of
   * waiting for the disk. Default true; off only for scratch stores (tests, rebuildable caches).
   */
  fsync?: boolean;
}

/** Half-written blobs are named `.tmp-<hash>-<random>` beside where they will live. */
const TEMP_PREFIX = ".tmp-";

/** Blobs as files under a root: <root>/ab/cd/<sha256>, so no directory grows past ~65k entries. */
export class LocalBlobStore implements BlobStore {
  readonly kind = "local";
  readonly root: string;
  private readonly fsync: boolean;
  /** Directories known to exist: most puts then cost no mkdir. */
  private readonly dirs = new Set<string>();
  /** Directories with new names, fsync'd in batches: one flush() covers many puts. */
  private readonly dirSync = new DirSyncer();

  constructor(options: LocalBlobStoreOptions) {
    this.root = path.resolve(options.root);
    this.fsync = options.fsync ?? true;
  }

  pathOf(hash: string): string {
    assertBlobHash(hash);
    return path.join(this.root, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  async has(hash: string): Promise<boolean> {
    return (await this.stat(hash)) !== null;
  }

  async put(hash: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    const final = this.pathOf(hash);
    const dir = path.dirname(final);
    const known = this.dirs.has(dir);
    // Written under a temporary name, then renamed: a reader or a restarted process sees the
    // whole blob or nothing. Two writers of the same blob both rename identical bytes, so the
    // race is harmless. The temporary file sits in the blob's own directory: a rename across
    // directories takes a filesystem-wide lock (measured here: a sixth of a cold ingest's
    // kernel time went to waiting for it). The steps run together on a writing thread
    // (file-writer.ts), which removes the temporary file if one fails.
    const wrote = await writeBlobFile({ final, temp: path.join(dir, `${TEMP_PREFIX}${hash}-${randomUUID()}`), dir, mkdir: !known, fsync: this.fsync, pieces: Array.isArray(bytes) ? bytes : [bytes as Uint8Array] });
    if (!wrote) return false;
    if (!known) {
      this.dirs.add(dir);
      // A new shard directory is itself a new name in its parent (and maybe the parent in root).
      if (this.fsync) for (let d = dir; d !== this.root && d.startsWith(this.root); d = path.dirname(d)) this.dirSync.add(path.dirname(d));
    }
    if (this.fsync) this.dirSync.add(dir);
    return true;
  }

  async flush(): Promise<void> {
    await this.dirSync.flush();
  }

  async get(hash: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(hash));
    } catch (e) {
      if (isMissing(e)) throw new NotFoundError(`blob ${hash} is not stored`);
      throw e;
    }
  }

  async stat(hash: string): Promise<BlobStat | null> {
    try {
      return { size: (await fs.stat(this.pathOf(hash))).size };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async delete(hash: string): Promise<boolean> {
    try {
      await fs.unlink(this.pathOf(hash));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async *list(): AsyncIterable<string> {
    for await (const [, name] of this.files()) if (isBlobHash(name)) yield name;
  }

  async usage(): Promise<BlobUsage> {
    let blobs = 0;
    let bytes = 0;
    for await (const hash of this.list()) {
      const s = await this.stat(hash);
      if (!s) continue; // deleted while we listed
      blobs++;
      bytes += s.size;
    }
    return { blobs, bytes };
  }

  /**
   * Removes temporary files a crashed writer left behind. Only old ones: a young one may be a
   * write in progress in another process. It walks the whole store: run it at start-up or
   * with garbage collection, not per request.
   */
  async sweepTemporaries(olderThanMs = 60 * 60 * 1000): Promise<number> {
    let removed = 0;
    for await (const file of this.temporaries()) {
      const s = await fs.stat(file).catch(() => null);
      if (!s || Date.now() - s.mtimeMs < olderThanMs) continue;
      await fs.rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  /** Paths of temporary files present now (a crashed writer's, or writes in progress). */
  async *temporaries(): AsyncIterable<string> {
    for await (const [dir, name] of this.files()) if (name.startsWith(TEMP_PREFIX)) yield path.join(dir, name);
  }

  /** [directory, name] of every file in the shard directories. */
  private async *files(): AsyncIterable<[string, string]> {
    for (const a of await shardDirs(this.root))
      for (const b of await shardDirs(path.join(this.root, a))) {
        const dir = path.join(this.root, a, b);
        for (const name of await fs.readdir(dir).catch((e) => (isMissing(e) ? [] : Promise.reject(e)))) yield [dir, name];
      }
  }
}

async function shardDirs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e) => (isMissing(e) ? [] : Promise.reject(e)));
  return entries.filter((e) => e.isDirectory() && /^[0-9a-f]{2}$/.test(e.name)).map((e) => e.name);
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "ENOENT";
}
