import { randomUUID } from "node:crypto";
import fsCallbacks from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { NotFoundError } from "../../errors";
import { assertBlobHash, type BlobStat, type BlobStore, type BlobUsage, isBlobHash } from "./blob-store";
import { DirSyncer } from "./dir-sync";

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
    if (await this.has(hash)) return false;
    // Written under a temporary name, then renamed: a reader or a restarted process sees the
    // whole blob or nothing. Two writers of the same blob both rename identical bytes, so the
    // race is harmless. The temporary file sits in the blob's own directory: a rename across
    // directories takes a filesystem-wide lock (measured here: a sixth of a cold ingest's
    // kernel time went to waiting for it).
    const temp = path.join(path.dirname(final), `${TEMP_PREFIX}${hash}-${randomUUID()}`);
    try {
      await this.inDir(temp, () => this.writeTemp(temp, bytes));
      await fs.rename(temp, final);
      if (this.fsync) this.dirSync.add(path.dirname(final));
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
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

  /** Plain descriptors rather than FileHandles: a thousand blobs a second make their overhead show. */
  private async writeTemp(temp: string, bytes: Uint8Array | readonly Uint8Array[]) {
    const fd = await fdOps.open(temp, "wx");
    try {
      await writeAll(fd, Array.isArray(bytes) ? bytes : [bytes as Uint8Array]);
      if (this.fsync) await fdOps.fdatasync(fd); // the data (and its size), before the name points at it
    } finally {
      await fdOps.close(fd);
    }
  }

  /** Runs `op` on a file path, creating its directory when missing (then once more). */
  private async inDir<T>(file: string, op: () => Promise<T>): Promise<T> {
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.dirs.add(dir);
      // A new shard directory is itself a new name in its parent (and maybe the parent in root).
      if (this.fsync) for (let d = dir; d !== this.root && d.startsWith(this.root); d = path.dirname(d)) this.dirSync.add(path.dirname(d));
    }
    try {
      return await op();
    } catch (e) {
      if (!isMissing(e)) throw e;
      await fs.mkdir(dir, { recursive: true }); // removed behind our back (a sweep, a test)
      return op();
    }
  }
}

const fdOps = {
  open: promisify(fsCallbacks.open),
  writev: promisify(fsCallbacks.writev),
  fdatasync: promisify(fsCallbacks.fdatasync),
  close: promisify(fsCallbacks.close),
};

/** writev until every piece is written (a regular file takes them whole, but writev may return short). */
async function writeAll(fd: number, pieces: readonly Uint8Array[]) {
  let left = pieces.filter((p) => p.length > 0);
  while (left.length) {
    let written = (await fdOps.writev(fd, left as Uint8Array[])).bytesWritten;
    while (left.length && written >= left[0]!.length) written -= left.shift()!.length;
    if (written > 0) left[0] = left[0]!.subarray(written);
  }
}

async function shardDirs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e) => (isMissing(e) ? [] : Promise.reject(e)));
  return entries.filter((e) => e.isDirectory() && /^[0-9a-f]{2}$/.test(e.name)).map((e) => e.name);
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "ENOENT";
}
