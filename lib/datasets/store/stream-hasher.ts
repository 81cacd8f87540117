import { newSessionId, sessions, sharedWorker } from "./hash-worker";

/**
 * SHA-256 of a whole stream and of each of its chunks, on a worker thread. Ingest hashes every
 * byte twice (the file, its chunk) and scans it once for boundaries: with both hashes here and
 * the scan on the caller's thread, two cores share the work about evenly.
 *
 * Bytes travel in slabs that go to the worker and come back (transferred, never cloned), so
 * after the first few nothing is allocated: the copy into a slab is the only extra pass, and
 * the few slabs a stream owns bound how far the worker may fall behind.
 */
const SLAB_BYTES = 4 * 1024 * 1024;
const SLABS_PER_STREAM = 6;

/** Hashes one stream: `write` its bytes in order with the stream offsets where chunks end. */
export class StreamHasher {
  private readonly id = newSessionId();
  private readonly w = sharedWorker();
  private readonly free: ArrayBuffer[] = [];
  private slabs = 0;
  private slab: Uint8Array | undefined;
  private filled = 0;
  /** Stream offset of the current slab's first byte. */
  private slabStart = 0;
  private cuts: number[] = [];
  private waitingForSlab?: () => void;
  private finished?: { resolve: (sha256: string) => void; reject: (e: unknown) => void };
  private failure: { error: unknown } | undefined;

  /** `onChunk` gets each chunk's hash, in stream order. */
  constructor(private readonly onChunk: (hash: string) => void) {
    sessions.set(this.id, {
      onReply: (m) => {
        for (const h of m.hashes) this.onChunk(h);
        if (m.slab) this.release(m.slab);
        if (m.sha256 !== undefined) this.close(() => this.finished?.resolve(m.sha256!));
      },
      fail: (e) => {
        this.failure ??= { error: e };
        this.waitingForSlab?.();
        this.close(() => this.finished?.reject(e));
      },
    });
    this.w.ref(); // replies are awaited: keep the process alive until the last one
  }

  /** Resolves once the bytes are copied; waits while every slab of this stream is with the worker. */
  async write(bytes: Uint8Array, chunkEnds: readonly number[]): Promise<void> {
    this.cuts.push(...chunkEnds);
    for (let at = 0; at < bytes.length; ) {
      if (this.failure) throw this.failure.error;
      const slab = this.slab ?? (this.slab = await this.takeSlab());
      const n = Math.min(bytes.length - at, slab.length - this.filled);
      slab.set(bytes.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === slab.length) this.post();
    }
  }

  /** The whole stream's SHA-256; the last chunk's hash (if any bytes follow the last cut) comes first through onChunk. */
  end(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (this.failure) return reject(this.failure.error);
      this.finished = { resolve, reject };
      if (this.filled > 0) this.post();
      this.w.postMessage({ id: this.id });
    });
  }

  /** Gives up on the stream (its source failed): the worker forgets it, nothing more is called. */
  abort(): void {
    if (!sessions.has(this.id)) return;
    this.w.postMessage({ id: this.id, abort: true });
    this.close(() => undefined);
  }

  private post() {
    const end = this.slabStart + this.filled;
    const inSlab = this.cuts.filter((c) => c <= end);
    this.cuts = this.cuts.filter((c) => c > end);
    const slab = this.slab!.buffer as ArrayBuffer;
    this.w.postMessage({ id: this.id, slab, length: this.filled, cuts: inSlab }, [slab]);
    this.slabStart = end;
    this.slab = undefined;
    this.filled = 0;
  }

  private async takeSlab(): Promise<Uint8Array> {
    if (!this.free.length && this.slabs < SLABS_PER_STREAM) {
      this.slabs++;
      this.free.push(new ArrayBuffer(SLAB_BYTES));
    }
    while (!this.free.length) {
      await new Promise<void>((r) => (this.waitingForSlab = r));
      if (this.failure) throw this.failure.error;
    }
    return new Uint8Array(this.free.pop()!);
  }

  private release(slab: ArrayBuffer) {
    this.free.push(slab);
    const wake = this.waitingForSlab;
    this.waitingForSlab = undefined;
    wake?.();
  }

  private close(settle: () => void) {
    if (!sessions.delete(this.id)) return;
    if (sessions.size === 0) this.w.unref();
    settle();
  }
}
