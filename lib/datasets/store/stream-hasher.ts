import { type HashWorkers, hashWorkers, holdWorkers, newSessionId, type Reply, type Role, sessions } from "./hash-worker";
import { returnSlab, SLAB_BYTES, takeSlab } from "./slabs";

/**
 * SHA-256 of a whole stream, and its chunks (their boundaries and each one's SHA-256), on two
 * worker threads (hash-worker.ts), while the caller's thread receives and stores.
 *
 * Bytes are copied once, into shared slabs that both workers read; a chunk is handed back with
 * its hash as views of those slabs, which the store writes from. A slab is reused once both
 * workers answered it and every chunk in it was released, so the slabs a stream may own bound
 * its memory (8 x 4 MiB) and how far the workers or the store may fall behind.
 */
const SLABS_PER_STREAM = 8;

/** A chunk's hash and bytes. The bytes are views of shared memory: valid until `release`, never to be kept. */
export interface HashedChunk {
  hash: string;
  size: number;
  pieces: Uint8Array[];
  /** The bytes are no longer needed (stored, or known to be): their slab may be reused. */
  release(): void;
}

interface Slab {
  sab: SharedArrayBuffer;
  /** Stream offset of its first byte. */
  start: number;
  length: number;
  /** Workers still reading it, and chunks handed out and not released. */
  holds: number;
}

/** Chunks and hashes one stream: `write` its bytes in order. */
export class StreamHasher {
  private readonly id = newSessionId();
  private readonly workers: HashWorkers = hashWorkers();
  private owned = 0;
  private readonly free: SharedArrayBuffer[] = [];
  private filling: Slab | undefined;
  /** Slabs posted and not yet reusable, in stream order. */
  private live: Slab[] = [];
  private readonly unanswered: Record<Role, Slab[]> = { file: [], chunks: [] };
  private written = 0;
  /** End of the last chunk handed out: no chunk still to come lies before it. */
  private handedUpTo = 0;
  private waitingForSlab?: () => void;
  private finished?: { resolve: (sha256: string) => void; reject: (e: unknown) => void };
  private sha256?: string;
  private chunksDone = false;
  private failure: { error: unknown } | undefined;
  private closed = false;

  /** `onChunk` gets each chunk, in stream order. */
  constructor(private readonly onChunk: (chunk: HashedChunk) => void) {
    sessions.set(this.id, { onReply: (role, m) => this.onReply(role, m), fail: (e) => this.fail(e) });
    holdWorkers(this.workers, true); // replies are awaited: keep the process alive until the last one
  }

  /** Resolves once the bytes are copied; waits while every slab of this stream is in use. */
  async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length; ) {
      if (this.failure) throw this.failure.error;
      const slab = this.filling ?? (this.filling = await this.takeSlab());
      const n = Math.min(bytes.length - at, SLAB_BYTES - slab.length);
      new Uint8Array(slab.sab, slab.length, n).set(bytes.subarray(at, at + n));
      slab.length += n;
      at += n;
      this.written += n;
      if (slab.length === SLAB_BYTES) this.post();
    }
  }

  /** The whole stream's SHA-256; every chunk, the last short one too, has been handed out first. */
  end(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (this.failure) return reject(this.failure.error);
      this.finished = { resolve, reject };
      if (this.filling?.length) this.post();
      this.workers.file.postMessage({ id: this.id });
      this.workers.chunks.postMessage({ id: this.id });
    });
  }

  /** Gives up on the stream (its source failed): the workers forget it, nothing more is called. */
  abort(): void {
    if (this.closed) return;
    this.workers.file.postMessage({ id: this.id, abort: true });
    this.workers.chunks.postMessage({ id: this.id, abort: true });
    this.close(() => undefined);
  }

  private post() {
    const slab = this.filling!;
    this.filling = undefined;
    slab.holds = 2;
    this.live.push(slab);
    this.unanswered.file.push(slab);
    this.unanswered.chunks.push(slab);
    this.workers.file.postMessage({ id: this.id, slab: slab.sab, length: slab.length });
    this.workers.chunks.postMessage({ id: this.id, slab: slab.sab, length: slab.length });
  }

  private onReply(role: Role, m: Reply) {
    m.hashes.forEach((hash, i) => this.handOut(hash, m.ends[i]!));
    if (m.done) {
      if (role === "file") this.sha256 = m.sha256;
      else this.chunksDone = true;
      if (this.sha256 !== undefined && this.chunksDone) this.close(() => this.finished?.resolve(this.sha256!));
    } else this.unanswered[role].shift()!.holds--;
    this.reclaim();
  }

  /** The chunk from the end of the last one to `end`: every chunk ends where the next begins. */
  private handOut(hash: string, end: number) {
    const start = this.handedUpTo;
    const slabs = this.live.filter((s) => s.start < end && s.start + s.length > start);
    const pieces = slabs.map((s) => {
      s.holds++;
      const from = Math.max(start, s.start);
      return new Uint8Array(s.sab, from - s.start, Math.min(end, s.start + s.length) - from);
    });
    this.handedUpTo = end;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const s of slabs) s.holds--;
      this.reclaim();
    };
    this.onChunk({ hash, size: end - start, pieces, release });
  }

  /** Slabs no worker reads, no chunk handed out uses and no chunk to come lies in, are free again. */
  private reclaim() {
    const done = (s: Slab) => s.holds === 0 && s.start + s.length <= this.handedUpTo;
    if (!this.live.some(done)) return;
    for (const s of this.live.filter(done)) this.recycle(s.sab);
    this.live = this.live.filter((s) => !done(s));
  }

  private recycle(sab: SharedArrayBuffer) {
    if (this.closed) return void (this.owned--, returnSlab(sab));
    this.free.push(sab);
    const wake = this.waitingForSlab;
    this.waitingForSlab = undefined;
    wake?.();
  }

  private async takeSlab(): Promise<Slab> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (!this.free.length && this.owned < SLABS_PER_STREAM) {
        this.owned++;
        this.free.push(takeSlab());
      }
      const sab = this.free.pop();
      if (sab) return { sab, start: this.written, length: 0, holds: 0 };
      await new Promise<void>((r) => (this.waitingForSlab = r));
    }
  }

  private fail(e: unknown) {
    this.failure ??= { error: e };
    this.waitingForSlab?.();
    this.close(() => this.finished?.reject(e));
  }

  private close(settle: () => void) {
    if (this.closed) return;
    this.closed = true;
    sessions.delete(this.id);
    if (sessions.size === 0) holdWorkers(this.workers, false);
    // Slabs nobody uses go back for other streams; those a worker may still be reading (after
    // an abort) never come back and are left to the garbage collector.
    for (const sab of this.free.splice(0)) this.recycle(sab);
    if (this.filling) this.recycle(this.filling.sab); // never posted: no worker has it
    this.filling = undefined;
    settle();
  }
}
