import { syncDirectory } from "./file-writer";

/**
 * Directories that got new names (a blob renamed in, a shard directory made), fsync'd so the
 * names survive a power cut. A batch is synced in the background as soon as enough gather,
 * while the ingest that named them goes on; flush() then waits only for the last batch. A
 * 512 MB upload into a fresh store names about 1,250 directories (each blob lands in its own
 * shard), and on this machine's ext4 without a journal every directory fsync is its own write:
 * all at the end, the flush took 80-400 ms.
 */
export class DirSyncer {
  private dirty = new Set<string>();
  private background: Promise<void> | undefined;
  /** Directories of a background batch that failed: flush() tries them again. */
  private retry: string[] = [];

  /** `sync` is replaced by tests, to watch what is synced when. */
  constructor(
    private readonly batch = 16,
    private readonly sync: (dir: string) => Promise<void> = syncDirectory,
  ) {}

  add(dir: string): void {
    this.dirty.add(dir);
    if (this.dirty.size >= this.batch && !this.background) this.startBatch();
  }

  /** One batch at a time, a few syscalls at a time (the blobs' own writes come first); the next follows at once if enough gathered meanwhile. */
  private startBatch() {
    const dirs = this.take();
    this.background = this.syncAll(dirs, 4)
      .catch(() => void this.retry.push(...dirs))
      .finally(() => {
        this.background = undefined;
        if (this.dirty.size >= this.batch) this.startBatch();
      });
  }

  /**
   * Every directory added before this call is durable once it resolves. A failure rejects it
   * (the ingest fails, nothing is recorded) and is not retried by the next flush, as before.
   */
  async flush(): Promise<void> {
    // A batch may start while we wait: wait until none runs, then take what is left at once.
    while (this.background) await this.background;
    const dirs = [...this.retry.splice(0), ...this.take()];
    await this.syncAll(dirs, 16);
  }

  private async syncAll(dirs: string[], atOnce: number) {
    for (let i = 0; i < dirs.length; i += atOnce) await Promise.all(dirs.slice(i, i + atOnce).map(this.sync));
  }

  private take(): string[] {
    const dirs = [...this.dirty];
    this.dirty = new Set();
    return dirs;
  }
}
