import { execFileSync, spawn } from "node:child_process";
import { createCipheriv, createHash, createHmac, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  CHUNKER_ID,
  Chunker,
  chunkSizes,
  createBlobStore,
  EMPTY_PAYLOAD_HASH,
  ingestFile,
  ingestStream,
  LocalBlobStore,
  MAX_CHUNK,
  MIN_CHUNK,
  readFile,
  S3BlobStore,
  signRequest,
  verifyBlob,
  verifyFile,
} from "../../lib/datasets/store";
import { hashWorkers } from "../../lib/datasets/store/hash-worker";
import { ValidationError } from "../../lib/errors";

const MiB = 1024 * 1024;
const ROOT = path.resolve(__dirname, "../..");

/** Deterministic "random" bytes: AES-256-CTR keystream keyed by the seed (fast, same everywhere). */
function seededBytes(seed: string, n: number): Buffer {
  const key = createHash("sha256").update(seed).digest();
  return createCipheriv("aes-256-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The buffer as a stream of pieces of the given sizes, cycling. */
function* pieces(buf: Buffer, sizes: number[]): Generator<Buffer> {
  for (let at = 0, i = 0; at < buf.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield buf.subarray(at, at + n);
    at += n;
  }
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** Bytes a directory takes on disk (allocated blocks), measured independently of the store. */
function diskUsage(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).blocks * 512;
  }
  return total;
}

const temps: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-store-test-"));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("content-defined chunking", () => {
  test("boundaries are stable across releases (changing them would break deduplication with stored versions)", () => {
    expect(CHUNKER_ID).toBe("kiln-gear32-512k-v1");
    expect(chunkSizes(seededBytes("golden", 8 * MiB))).toEqual([
      241822, 545048, 723682, 152423, 1163083, 1032460, 944932, 324218, 282789, 644993, 897149, 238020, 818326, 307381, 72282,
    ]);
  });

  test("chunks stay between the minimum and the maximum and average near 512 KiB", () => {
    const sizes = chunkSizes(seededBytes("sizes", 64 * MiB));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(64 * MiB);
    for (const s of sizes.slice(0, -1)) expect(s >= MIN_CHUNK && s <= MAX_CHUNK).toBe(true);
    const avg = (64 * MiB) / sizes.length;
    expect(avg).toBeGreaterThan(400 * 1024);
    expect(avg).toBeLessThan(800 * 1024);
    // Content with no boundary at all (zeros) is cut at the maximum.
    expect(chunkSizes(Buffer.alloc(5 * MiB))).toEqual([MAX_CHUNK, MAX_CHUNK, MiB]);
  });

  const streamedSizes = (buf: Buffer, feeds: number[]) => {
    const chunker = new Chunker();
    const sizes: number[] = [];
    let last = 0;
    let offset = 0;
    for (const p of pieces(buf, feeds)) {
      // A plain Uint8Array as well as Buffers: both must give the same boundaries.
      for (const cut of chunker.push(new Uint8Array(p.buffer, p.byteOffset, p.length))) {
        sizes.push(offset + cut - last);
        last = offset + cut;
      }
      offset += p.length;
    }
    if (chunker.finish()) sizes.push(buf.length - last);
    return sizes;
  };

  test("feeding one byte at a time gives the same boundaries as the whole buffer", () => {
    const buf = seededBytes("bytewise", 2 * MiB);
    const whole = chunkSizes(buf);
    expect(whole.length).toBeGreaterThan(1);
    expect(streamedSizes(buf, [1])).toEqual(whole);
  });

  test("feeding odd-sized pieces gives the same boundaries as the whole buffer", () => {
    const buf = seededBytes("odd feeds", 48 * MiB);
    const whole = chunkSizes(buf);
    for (const feeds of [[65_521], [1_000_003, 7, 131_071, 3 * MiB + 1], [MAX_CHUNK + 1], [MIN_CHUNK - 1, MIN_CHUNK + 1]])
      expect(streamedSizes(buf, feeds)).toEqual(whole);
  });
});

describe("ingest and read back (local store)", () => {
  test.each([0, 1, 1000, MIN_CHUNK - 1, MIN_CHUNK, MIN_CHUNK + 1, 5 * MiB + 3, 24 * MiB])(
    "a file of %i bytes comes back byte for byte, with its SHA-256",
    async (n) => {
      const store = new LocalBlobStore({ root: tempDir() });
      const data = seededBytes(`round trip ${n}`, n);
      const result = await ingestStream(store, Readable.from(pieces(data, [333_333, 1, 77_777])));
      expect(result.sha256).toBe(sha256(data));
      expect(result.size).toBe(n);
      expect(result.chunks.map((c) => c.size).reduce((a, b) => a + b, 0)).toBe(n);
      expect(result.chunks.map((c) => c.size)).toEqual(chunkSizes(data));
      expect(result.newBytes).toBe(n);
      const back = await collect(readFile(store, result.chunks));
      expect(back.equals(data)).toBe(true);
      expect(await verifyFile(store, result.chunks, result.sha256)).toMatchObject({ ok: true, sha256: sha256(data) });
    },
  );

  test("repeated content inside one file is stored once", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const result = await ingestStream(store, Readable.from(pieces(Buffer.alloc(20 * MiB), [MiB])));
    expect(result.chunks).toHaveLength(10);
    expect(result.newChunks).toBe(1);
    expect((await store.usage()).bytes).toBe(MAX_CHUNK);
  });

  test("a changed or missing chunk is reported, and reading it back fails instead of returning wrong bytes", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const { chunks, sha256: sum } = await ingestStream(store, Readable.from([seededBytes("corrupt", 3 * MiB)]));
    const [first, second] = chunks;
    fs.writeFileSync(store.pathOf(first!.hash), Buffer.alloc(first!.size));
    await store.delete(second!.hash);
    expect(await verifyBlob(store, first!.hash)).toBe(false);
    expect(await verifyFile(store, chunks, sum)).toMatchObject({ ok: false, corrupt: [first!.hash], missing: [second!.hash] });
    await expect(collect(readFile(store, chunks))).rejects.toThrow(/does not match its hash/);
  });

  test("an upload that breaks off mid-way fails the ingest and leaves only whole chunks behind", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const data = seededBytes("broken upload", 6 * MiB);
    async function* breaksOff() {
      yield* pieces(data.subarray(0, 3 * MiB), [256 * 1024]);
      throw new Error("client went away");
    }
    await expect(ingestStream(store, breaksOff())).rejects.toThrow("client went away");
    for (const h of await all(store.list())) expect(await verifyBlob(store, h)).toBe(true);
    // The store is still usable, and the whole file goes in afterwards.
    const result = await ingestStream(store, Readable.from([data]));
    expect(result.sha256).toBe(sha256(data));
    expect(await verifyFile(store, result.chunks, result.sha256)).toMatchObject({ ok: true });
  });

  test.each(["file", "chunks"] as const)("if the %s hashing worker dies mid-ingest, the ingest fails saying so and the next one works", async (role) => {
    const store = new LocalBlobStore({ root: tempDir() });
    const data = seededBytes("worker dies", 12 * MiB);
    async function* killsTheWorker() {
      yield data.subarray(0, 4 * MiB);
      await hashWorkers()[role].terminate();
      yield data.subarray(4 * MiB);
    }
    await expect(ingestStream(store, killsTheWorker())).rejects.toThrow(/hashing worker exited/);
    const again = await ingestStream(store, Readable.from([data]));
    expect(again.sha256).toBe(sha256(data));
    expect(await verifyFile(store, again.chunks, again.sha256)).toMatchObject({ ok: true });
  });

  test("acceptance: a new version of a 100 MB file with 1 MB changed in place grows the store by under 5 MB", async () => {
    const dir = tempDir();
    const root = path.join(dir, "store");
    const store = new LocalBlobStore({ root });
    const file = path.join(dir, "data.bin");
    const data = seededBytes("acceptance", 100 * MiB);
    fs.writeFileSync(file, data);

    const v1 = await ingestFile(store, file);
    expect(v1.sha256).toBe(sha256(data));
    const diskAfterV1 = diskUsage(root);
    expect(diskAfterV1).toBeGreaterThanOrEqual(100 * MiB);

    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, seededBytes("the edit", MiB), 0, MiB, 50 * MiB);
    fs.closeSync(fd);
    const edited = fs.readFileSync(file);
    const v2 = await ingestFile(store, file);

    const growth = diskUsage(root) - diskAfterV1;
    expect(growth).toBeLessThan(5 * MiB);
    expect(v2.newBytes).toBeLessThan(5 * MiB);
    const v1Hashes = new Set(v1.chunks.map((c) => c.hash));
    expect(v2.chunks.filter((c) => !v1Hashes.has(c.hash)).length).toBeLessThanOrEqual(5);
    expect(v2.sha256).toBe(sha256(edited));
    expect((await collect(readFile(store, v2.chunks))).equals(edited)).toBe(true);
    // The old version is untouched and still reads back whole.
    expect(await verifyFile(store, v1.chunks, v1.sha256)).toMatchObject({ ok: true });

    // One byte inserted in the middle shifts everything after it, yet only the chunk around it changes.
    const inserted = Buffer.concat([data.subarray(0, 50 * MiB + 12345), Buffer.from([42]), data.subarray(50 * MiB + 12345)]);
    const v3 = await ingestStream(store, Readable.from(pieces(inserted, [4 * MiB])));
    const changed = v3.chunks.filter((c) => !v1Hashes.has(c.hash));
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect(changed.length).toBeLessThanOrEqual(2);
    expect(v3.chunks.length - changed.length).toBeGreaterThanOrEqual(v1.chunks.length - 2);
  });
});

describe("local blob store", () => {
  test("putting the same content twice stores it once", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const bytes = seededBytes("twice", 300_000);
    const hash = sha256(bytes);
    expect(await store.put(hash, bytes)).toBe(true);
    expect(await store.put(hash, bytes)).toBe(false);
    await Promise.all([store.put(hash, bytes), store.put(hash, bytes)]);
    expect(await store.usage()).toEqual({ blobs: 1, bytes: 300_000 });
    expect(await all(store.temporaries())).toEqual([]);
    expect((await store.get(hash)).equals(bytes)).toBe(true);
    expect(store.pathOf(hash)).toBe(path.join(store.root, hash.slice(0, 2), hash.slice(2, 4), hash));
  });

  test("blobs of every awkward size, given in odd pieces, come back byte for byte (the durable store writes whole aligned blocks and cuts the file to size)", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const sizes = [0, 1, 4095, 4096, 4097, 512 * 1024 + 777, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1, 9 * MiB + 123];
    for (const size of sizes) {
      const bytes = seededBytes(`size ${size}`, size);
      const hash = sha256(bytes);
      const third = Math.floor(size / 3);
      // a piece in shared memory too, as the hasher's slabs are
      const shared = new Uint8Array(new SharedArrayBuffer(size - 2 * third));
      shared.set(bytes.subarray(2 * third));
      expect(await store.put(hash, [bytes.subarray(0, third), bytes.subarray(third, 2 * third), shared])).toBe(true);
      expect(await store.stat(hash)).toEqual({ size });
      expect(sha256(await store.get(hash))).toBe(hash);
    }
    await store.flush();
    expect(await all(store.temporaries())).toEqual([]);
  });

  test("a durable store's writes bypass the page cache (an upload does not grow it by its size); a scratch store's go through it", async () => {
    const resident = (file: string) => Number(execFileSync("fincore", ["--bytes", "--noheadings", "--output", "RES", file], { encoding: "utf8" }).trim());
    const bytes = seededBytes("page cache", 32 * MiB + 5);
    const hash = sha256(bytes);
    const durable = new LocalBlobStore({ root: tempDir() });
    const scratch = new LocalBlobStore({ root: tempDir(), fsync: false });
    await durable.put(hash, [bytes.subarray(0, 3 * MiB), bytes.subarray(3 * MiB)]);
    await scratch.put(hash, [bytes.subarray(0, 3 * MiB), bytes.subarray(3 * MiB)]);
    expect(resident(durable.pathOf(hash))).toBeLessThan(MiB);
    expect(resident(scratch.pathOf(hash))).toBeGreaterThan(16 * MiB);
    expect((await durable.get(hash)).equals(bytes)).toBe(true);
  });

  test("hashes that are not 64 hex digits are refused before they reach a path", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    await expect(store.get("../../etc/passwd")).rejects.toBeInstanceOf(ValidationError);
    await expect(store.put("ABC", new Uint8Array(1))).rejects.toBeInstanceOf(ValidationError);
  });

  test("a writer killed in the middle of a put leaves nothing under the hash", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const hash = "ab".repeat(32);
    const size = 256 * MiB;
    const script = `
      import { LocalBlobStore } from ${JSON.stringify(path.join(ROOT, "lib/datasets/store/local.ts"))};
      await new LocalBlobStore({ root: ${JSON.stringify(store.root)} }).put(${JSON.stringify(hash)}, Buffer.alloc(${size}, 7));
      process.stdout.write("finished");`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_code, signal) => r(signal)));
    // Kill as soon as the temporary file has bytes in it: the write is under way.
    let temp: string | undefined;
    for (;;) {
      [temp] = fs.existsSync(store.root) ? await all(store.temporaries()) : [];
      if (temp && fs.statSync(temp, { throwIfNoEntry: false })?.size) break;
      if (child.exitCode !== null) throw new Error("the writer exited before it was killed");
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(output).toBe("");

    expect(fs.statSync(temp).size).toBeLessThan(size); // it really was half written
    expect(await store.has(hash)).toBe(false);
    expect(await store.stat(hash)).toBeNull();
    expect(fs.existsSync(store.pathOf(hash))).toBe(false);
    expect(await store.usage()).toEqual({ blobs: 0, bytes: 0 });
    expect(await store.sweepTemporaries(60_000)).toBe(0); // young: could be a live writer
    expect(await store.sweepTemporaries(0)).toBe(1);
    expect(await all(store.temporaries())).toEqual([]);
  });

  test("a put the file system refuses rejects with its error and leaves no temporary file", async () => {
    const store = new LocalBlobStore({ root: tempDir() });
    const bytes = seededBytes("refused", 1000);
    const hash = sha256(bytes);
    fs.writeFileSync(path.join(store.root, hash.slice(0, 2)), "a file where the shard directory goes");
    await expect(store.put(hash, bytes)).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
    fs.rmSync(path.join(store.root, hash.slice(0, 2)));
    expect(await store.put(hash, bytes)).toBe(true); // the store is still usable, its writing threads too
    expect(await all(store.temporaries())).toEqual([]);
    expect((await store.get(hash)).equals(bytes)).toBe(true);
  });

  test("a process that stored blobs exits by itself: the store's writing threads do not hold it open", async () => {
    const root = tempDir();
    const script = `
      import { LocalBlobStore } from ${JSON.stringify(path.join(ROOT, "lib/datasets/store/local.ts"))};
      import { createHash } from "node:crypto";
      const store = new LocalBlobStore({ root: ${JSON.stringify(root)} });
      for (let i = 0; i < 20; i++) { const b = Buffer.alloc(1000, i); await store.put(createHash("sha256").update(b).digest("hex"), b); }
      await store.flush();
      process.stdout.write("stored");`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    expect(output).toBe("stored");
    expect(code).toBe(0);
    expect(await new LocalBlobStore({ root }).usage()).toEqual({ blobs: 20, bytes: 20_000 });
  });

  test("the registry builds a store by its configured name and refuses unknown names", () => {
    expect(createBlobStore({ kind: "local", root: tempDir() })).toBeInstanceOf(LocalBlobStore);
    expect(
      createBlobStore({ kind: "s3", endpoint: "http://127.0.0.1:1", bucket: "b", region: "us-east-1", accessKeyId: "a", secretAccessKey: "s" }),
    ).toBeInstanceOf(S3BlobStore);
    expect(() => createBlobStore({ kind: "floppy" })).toThrow(ValidationError);
  });
});

// The published examples of AWS's "Signature Version 4: authenticating requests (AWS Signature
// Version 4) - header-based auth" page for S3, with its example credentials.
const AWS_EXAMPLE = {
  credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  region: "us-east-1",
  now: new Date("2013-05-24T00:00:00Z"),
};

describe("S3 signature V4", () => {
  test("GET object with a Range matches AWS's published signature", () => {
    const signed = signRequest(
      { method: "GET", url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"), headers: { Range: "bytes=0-9" }, payloadHash: EMPTY_PAYLOAD_HASH, ...AWS_EXAMPLE },
      AWS_EXAMPLE.credentials,
    );
    expect(createHash("sha256").update(signed.canonicalRequest).digest("hex")).toBe("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    expect(signed.headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    const wrong = signRequest(
      { method: "GET", url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"), headers: { Range: "bytes=0-9" }, payloadHash: EMPTY_PAYLOAD_HASH, ...AWS_EXAMPLE },
      { ...AWS_EXAMPLE.credentials, secretAccessKey: "x" + AWS_EXAMPLE.credentials.secretAccessKey.slice(1) },
    );
    expect(wrong.signature).not.toBe(signed.signature);
  });

  test("PUT object (a key that needs encoding, a signed body) and list objects (a query) match AWS's signatures", () => {
    const put = signRequest(
      {
        method: "PUT",
        url: new URL("https://examplebucket.s3.amazonaws.com/test$file.text"),
        headers: { Date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" },
        payloadHash: sha256(Buffer.from("Welcome to Amazon S3.")),
        ...AWS_EXAMPLE,
      },
      AWS_EXAMPLE.credentials,
    );
    expect(put.canonicalRequest.split("\n").slice(0, 2)).toEqual(["PUT", "/test%24file.text"]);
    expect(put.signature).toBe("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    const list = signRequest(
      { method: "GET", url: new URL("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"), payloadHash: EMPTY_PAYLOAD_HASH, ...AWS_EXAMPLE },
      AWS_EXAMPLE.credentials,
    );
    expect(list.signature).toBe("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  });
});

/**
 * An S3-compatible server on 127.0.0.1 that keeps objects in memory and, like S3, refuses any
 * request whose SigV4 signature or body hash does not check out. Its canonical-request code is
 * written again here from the AWS rules, not borrowed from lib/, so it checks the client.
 */
function fakeS3(opts: { accessKeyId: string; secretAccessKey: string; region: string; bucket: string; pageSize: number }) {
  const objects = new Map<string, Buffer>();
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const hmac = (k: string | Buffer, d: string) => createHmac("sha256", k).update(d).digest();

  function authError(req: http.IncomingMessage, body: Buffer): string | null {
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization ?? "",
    );
    if (!m) return "AccessDenied";
    const [, key, day, region, signedHeaders, signature] = m as unknown as string[];
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    if (key !== opts.accessKeyId) return "InvalidAccessKeyId";
    if (region !== opts.region || !amzDate.startsWith(day!)) return "AuthorizationHeaderMalformed";
    const when = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"));
    if (!(Math.abs(Date.now() - when) < 15 * 60_000)) return "RequestTimeTooSkewed";
    const names = signedHeaders!.split(";");
    if (!names.includes("host") || !names.includes("x-amz-date") || !names.includes("x-amz-content-sha256")) return "AccessDenied";
    const payloadHash = String(req.headers["x-amz-content-sha256"]);
    if (payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== sha256(body)) return "XAmzContentSHA256Mismatch";
    const [rawPath, rawQuery = ""] = req.url!.split("?");
    const canonical = [
      req.method,
      rawPath!.split("/").map((s) => enc(decodeURIComponent(s))).join("/"),
      rawQuery
        .split("&")
        .filter(Boolean)
        .map((p) => p.split("=").map((x) => enc(decodeURIComponent(x))))
        .sort(([a = "", x = ""], [b = "", y = ""]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1)) // by name, then value
        .map(([k, v = ""]) => `${k}=${v}`)
        .join("&"),
      names.map((n) => `${n}:${String(req.headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join(""),
      signedHeaders,
      payloadHash,
    ].join("\n");
    const toSign = ["AWS4-HMAC-SHA256", amzDate, `${day}/${region}/s3/aws4_request`, sha256(Buffer.from(canonical))].join("\n");
    const signingKey = hmac(hmac(hmac(hmac("AWS4" + opts.secretAccessKey, day!), region!), "s3"), "aws4_request");
    const expected = hmac(signingKey, toSign);
    return timingSafeEqual(expected, Buffer.from(signature!, "hex")) ? null : "SignatureDoesNotMatch";
  }

  const xmlError = (res: http.ServerResponse, status: number, code: string) => res.writeHead(status, { "content-type": "application/xml" }).end(`<Error><Code>${code}</Code></Error>`);

  const server = http.createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const p of req) parts.push(p as Buffer);
    const body = Buffer.concat(parts);
    const denied = authError(req, body);
    if (denied) return xmlError(res, denied === "XAmzContentSHA256Mismatch" ? 400 : 403, denied);
    const url = new URL(req.url!, "http://127.0.0.1");
    const [, bucket, ...rest] = url.pathname.split("/").map(decodeURIComponent);
    if (bucket !== opts.bucket) return xmlError(res, 404, "NoSuchBucket");
    const key = rest.join("/");
    if (req.method === "GET" && key === "" && url.searchParams.get("list-type") === "2") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = Number(url.searchParams.get("continuation-token") ?? 0);
      const page = keys.slice(start, start + opts.pageSize);
      const more = start + opts.pageSize < keys.length;
      const contents = page.map((k) => `<Contents><Key>${k}</Key><Size>${objects.get(k)!.length}</Size></Contents>`).join("");
      return res.end(`<ListBucketResult><IsTruncated>${more}</IsTruncated>${contents}${more ? `<NextContinuationToken>${start + opts.pageSize}</NextContinuationToken>` : ""}</ListBucketResult>`);
    }
    if (req.method === "PUT") {
      objects.set(key, body);
      return res.writeHead(200).end();
    }
    if (req.method === "DELETE") {
      objects.delete(key);
      return res.writeHead(204).end();
    }
    const stored = objects.get(key);
    if (!stored) return req.method === "HEAD" ? res.writeHead(404).end() : xmlError(res, 404, "NoSuchKey");
    res.writeHead(200, { "content-length": stored.length });
    res.end(req.method === "HEAD" ? undefined : stored);
  });
  return { server, objects };
}

describe("S3 blob store against a signature-checking S3 double on 127.0.0.1", () => {
  const creds = { accessKeyId: "KILNTESTKEY", secretAccessKey: "kiln-test-secret-0123456789" };
  const s3 = fakeS3({ ...creds, region: "eu-test-1", bucket: "datasets", pageSize: 2 });
  let endpoint = "";
  beforeAll(async () => {
    await new Promise<void>((r) => s3.server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(s3.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => s3.server.close(r)));
  const s3Store = (prefix: string, secretAccessKey = creds.secretAccessKey) =>
    new S3BlobStore({ endpoint, bucket: "datasets", region: "eu-test-1", accessKeyId: creds.accessKeyId, secretAccessKey, prefix });

  test("a file ingested into S3 reads back whole; put, stat, list, usage and delete behave as on disk", async () => {
    const store = s3Store("round-trip/");
    const data = seededBytes("s3 round trip", 3 * MiB);
    const result = await ingestStream(store, Readable.from(pieces(data, [MiB])));
    expect(result.sha256).toBe(sha256(data));
    expect(result.chunks.length).toBeGreaterThan(2);
    expect((await collect(readFile(store, result.chunks))).equals(data)).toBe(true);

    const [first] = result.chunks;
    expect(await store.has(first!.hash)).toBe(true);
    expect(await store.stat(first!.hash)).toEqual({ size: first!.size });
    expect(await store.put(first!.hash, seededBytes("unused", 1))).toBe(false); // already there: not sent again
    const listed = await all(store.list()); // more than one page: the double pages by 2
    expect(listed.sort()).toEqual([...new Set(result.chunks.map((c) => c.hash))].sort());
    expect(await store.usage()).toEqual({ blobs: listed.length, bytes: 3 * MiB });
    expect((await ingestStream(store, Readable.from([data]))).newBytes).toBe(0);

    expect(await store.delete(first!.hash)).toBe(true);
    expect(await store.delete(first!.hash)).toBe(false);
    expect(await store.stat(first!.hash)).toBeNull();
    await expect(store.get(first!.hash)).rejects.toThrow(/not stored/);
  });

  test("the double refuses a wrong secret, so the signatures it accepts are really checked", async () => {
    const before = s3.objects.size;
    const bytes = seededBytes("wrong secret", 1000);
    const impostor = s3Store("wrong/", "not-the-secret");
    await expect(impostor.put(sha256(bytes), bytes)).rejects.toThrow(/403/);
    await expect(impostor.get(sha256(bytes))).rejects.toThrow(/403 SignatureDoesNotMatch/);
    expect(s3.objects.size).toBe(before);
  });

  test("bytes that do not match the hash they are put under are refused by the store", async () => {
    const bytes = seededBytes("mismatch", 1000);
    await expect(s3Store("mismatch/").put(sha256(Buffer.from("other")), bytes)).rejects.toThrow(/XAmzContentSHA256Mismatch/);
  });
});
