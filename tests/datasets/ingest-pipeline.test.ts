import { createCipheriv, createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, test } from "vitest";
import { type BlobStore, chunkSizes, ingestStream, LocalBlobStore, readFile, verifyFile } from "../../lib/datasets/store";
import { DirSyncer } from "../../lib/datasets/store/dir-sync";

// Ingest copies each byte once into shared slabs that two hashing workers read and the store
// writes from: these pin down what that must never break (bytes, bounded memory, failures).
const MiB = 1024 * 1024;
const seeded = (seed: string, n: number) => createCipheriv("aes-256-ctr", createHash("sha256").update(seed).digest(), Buffer.alloc(16)).update(Buffer.alloc(n));
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const temps: string[] = [];
const tempDir = () => (temps.push(fs.mkdtempSync(path.join(os.tmpdir(), "kiln-ingest-test-"))), temps.at(-1)!);
afterEach(() => void temps.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** A store in memory that checks every put's bytes against its name, slowly and out of order. */
function checkingStore(opts: { failAt?: number } = {}) {
  const blobs = new Map<string, Buffer>();
  const buffersSeen = new Set<ArrayBufferLike>();
  let puts = 0;
  const store: BlobStore = {
    kind: "checking",
    has: async (h) => blobs.has(h),
    async put(hash, bytes) {
      const pieces = Array.isArray(bytes) ? bytes : [bytes as Uint8Array];
      for (const p of pieces) buffersSeen.add(p.buffer);
      if (++puts === opts.failAt) throw new Error("the disk is full");
      await new Promise((r) => setTimeout(r, (puts * 7) % 5)); // finishes out of order
      const copy = Buffer.concat(pieces); // read after the wait: reused memory would show here
      if (sha256(copy) !== hash) throw new Error(`put ${hash} got other bytes`);
      if (blobs.has(hash)) return false;
      blobs.set(hash, copy);
      return true;
    },
    get: async (h) => blobs.get(h) ?? Promise.reject(new Error(`${h} missing`)),
    stat: async (h) => (blobs.has(h) ? { size: blobs.get(h)!.length } : null),
    delete: async (h) => blobs.delete(h),
    flush: async () => undefined,
    async *list() {
      yield* blobs.keys();
    },
    usage: async () => ({ blobs: blobs.size, bytes: [...blobs.values()].reduce((n, b) => n + b.length, 0) }),
  };
  return { store, buffersSeen };
}

describe("ingest pipeline", () => {
  test("a producer may reuse its buffer for the next piece: what ingest keeps, it has copied", async () => {
    const data = seeded("reused buffer", 9 * MiB + 123);
    async function* reusingOneBuffer() {
      const buf = Buffer.alloc(100_000);
      for (let at = 0; at < data.length; at += buf.length) {
        const n = data.copy(buf, 0, at, at + buf.length);
        yield buf.subarray(0, n);
        buf.fill(0xee); // as a producer refilling its buffer would
      }
    }
    const store = new LocalBlobStore({ root: tempDir() });
    const result = await ingestStream(store, reusingOneBuffer());
    expect(result.sha256).toBe(sha256(data));
    expect(result.chunks.map((c) => c.size)).toEqual(chunkSizes(data));
    expect((await collect(readFile(store, result.chunks))).equals(data)).toBe(true);
  });

  test("memory stays bounded: 64 MiB through a slow store that finishes out of order uses at most 8 slabs, and every chunk gets its own bytes", async () => {
    const { store, buffersSeen } = checkingStore();
    const data = seeded("bounded", 64 * MiB);
    const result = await ingestStream(store, Readable.from([data]));
    expect(result.sha256).toBe(sha256(data));
    expect(result.newBytes).toBe(data.length);
    expect(buffersSeen.size).toBeGreaterThan(0);
    expect(buffersSeen.size).toBeLessThanOrEqual(8);
    expect(await verifyFile(store, result.chunks, result.sha256)).toMatchObject({ ok: true });
  });

  test("uploads at once share the hashing workers and each gets its own hashes", async () => {
    const files = [seeded("a", 11 * MiB), seeded("b", 5 * MiB + 1), seeded("c", 17), seeded("d", 0)];
    const store = new LocalBlobStore({ root: tempDir() });
    const results = await Promise.all(files.map((f, i) => ingestStream(store, Readable.from(f.length ? [f.subarray(0, i * 1000), f.subarray(i * 1000)] : [f]))));
    results.forEach((r, i) => {
      expect(r.sha256).toBe(sha256(files[i]!));
      expect(r.chunks.map((c) => c.size)).toEqual(chunkSizes(files[i]!));
    });
    for (const r of results) expect(await verifyFile(store, r.chunks, r.sha256)).toMatchObject({ ok: true });
  });

  test("a put that fails fails the ingest with its error, and the next ingest works", async () => {
    const data = seeded("store fails", 8 * MiB);
    const { store } = checkingStore({ failAt: 3 });
    await expect(ingestStream(store, Readable.from([data]))).rejects.toThrow("the disk is full");
    const again = await ingestStream(checkingStore().store, Readable.from([data]));
    expect(again.sha256).toBe(sha256(data));
  });

  test("a blob put as pieces is stored as their concatenation", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const whole = seeded("pieces", 300_000);
    const pieces = [whole.subarray(0, 1), whole.subarray(1, 1), whole.subarray(1, 200_000), whole.subarray(200_000)];
    expect(await store.put(sha256(whole), pieces)).toBe(true);
    expect((await store.get(sha256(whole))).equals(whole)).toBe(true);
  });
});

describe("directory fsyncs", () => {
  /** A sync that takes a moment and records what it synced, and what was still running when asked. */
  function watchedSync(fails: (dir: string, attempt: number) => boolean = () => false) {
    const synced: string[] = [];
    const attempts = new Map<string, number>();
    let running = 0;
    const sync = async (dir: string) => {
      const n = (attempts.get(dir) ?? 0) + 1;
      attempts.set(dir, n);
      running++;
      await new Promise((r) => setTimeout(r, 1));
      running--;
      if (fails(dir, n)) throw new Error(`EIO ${dir}`);
      synced.push(dir);
    };
    return { sync, synced, attempts, running: () => running };
  }

  test("a batch of new names is synced while ingest goes on; flush waits for it and syncs the rest", async () => {
    const w = watchedSync();
    const dirs = new DirSyncer(64, w.sync);
    for (let i = 0; i < 64; i++) dirs.add(`d${i}`);
    await new Promise((r) => setTimeout(r, 5));
    expect(w.synced.length).toBeGreaterThan(0); // no flush asked yet
    for (let i = 64; i < 70; i++) dirs.add(`d${i}`);
    await dirs.flush();
    expect(w.running()).toBe(0);
    expect(new Set(w.synced)).toEqual(new Set(Array.from({ length: 70 }, (_, i) => `d${i}`)));
  });

  test("a directory whose background sync failed is synced again by flush, which fails only if that fails too", async () => {
    const once = watchedSync((dir, attempt) => dir === "d3" && attempt === 1);
    const dirs = new DirSyncer(8, once.sync);
    for (let i = 0; i < 8; i++) dirs.add(`d${i}`);
    await dirs.flush();
    expect(once.attempts.get("d3")).toBe(2);
    expect(once.synced).toContain("d3");

    const always = watchedSync((dir) => dir === "d3");
    const failing = new DirSyncer(8, always.sync);
    for (let i = 0; i < 8; i++) failing.add(`d${i}`);
    await expect(failing.flush()).rejects.toThrow("EIO d3");
  });
});
