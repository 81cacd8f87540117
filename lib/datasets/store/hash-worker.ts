import { Worker } from "node:worker_threads";
import { CHUNKER_ARGS, CHUNKER_SOURCE } from "./chunker";

/**
 * The two worker threads that compute ingest's hashes (see stream-hasher.ts): one the whole
 * file's SHA-256, the other finds the chunks' boundaries (chunker.ts) and hashes each chunk.
 * Every byte is hashed twice and SHA-256 is serial, so on one thread the two hashes took
 * longer than everything else an upload does; side by side they run on both cores while the
 * caller's thread receives and stores. The boundaries were found on the caller's thread
 * before, which made it the upload's bottleneck: measured with them left out, its CPU per
 * 512 MB fell from 1.16 to about 0.5 s.
 * Both read the same shared slabs: nothing is copied to reach them.
 */

// Plain CommonJS evaluated in the worker: no file to resolve, whatever bundles or runs Kiln
// (the chunker comes as source too, the same text the caller's thread runs). A slab message
// carries the stream's next `length` bytes. Each slab is answered, in order, so the caller
// knows when both workers are done reading it; the chunks worker's answer names the chunks
// that ended in it (their hashes and stream offsets where they end).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const perChunk = workerData.role === "chunks";
const Chunker = perChunk ? (${CHUNKER_SOURCE})(...workerData.chunker) : null;
const streams = new Map();
const WINDOW = 256 * 1024;
parentPort.on("message", (m) => {
  if (m.abort) return void streams.delete(m.id);
  let s = streams.get(m.id);
  if (!s) streams.set(m.id, (s = { hash: createHash("sha256"), pos: 0, chunker: perChunk ? new Chunker() : null }));
  if (!m.slab) {
    streams.delete(m.id);
    if (!perChunk) return parentPort.postMessage({ id: m.id, hashes: [], ends: [], sha256: s.hash.digest("hex"), done: true });
    const last = s.chunker.finish(); // the last, short chunk
    return parentPort.postMessage({ id: m.id, hashes: last ? [s.hash.digest("hex")] : [], ends: last ? [s.pos] : [], done: true });
  }
  const bytes = new Uint8Array(m.slab, 0, m.length);
  const hashes = [];
  const ends = [];
  if (perChunk) {
    // a window at a time, each hashed right after it was scanned, while it is still in the core's cache
    for (let from = 0; from < m.length; from += WINDOW) {
      const window = bytes.subarray(from, Math.min(m.length, from + WINDOW));
      let at = 0;
      for (const cut of s.chunker.push(window)) {
        s.hash.update(window.subarray(at, cut));
        hashes.push(s.hash.digest("hex"));
        ends.push(s.pos + from + cut);
        s.hash = createHash("sha256");
        at = cut;
      }
      if (at < window.length) s.hash.update(window.subarray(at));
    }
  } else s.hash.update(bytes);
  s.pos += m.length;
  parentPort.postMessage({ id: m.id, hashes, ends });
});`;

export type Role = "file" | "chunks";

export interface Reply {
  id: number;
  /** Hashes of the chunks that ended in the slab answered (chunks worker), in order. */
  hashes: string[];
  /** Where each of them ends: a stream offset (exclusive). */
  ends: number[];
  /** The whole stream's SHA-256 (file worker, at the end). */
  sha256?: string;
  /** The answer to the end of the stream. */
  done?: boolean;
}

export interface Session {
  onReply(role: Role, m: Reply): void;
  fail(e: unknown): void;
}

export type HashWorkers = Record<Role, Worker>;

let pair: HashWorkers | undefined;
/** Streams being hashed, by id; each gets both workers' replies. */
export const sessions = new Map<number, Session>();
let nextId = 1;

export function newSessionId(): number {
  return nextId++;
}

/** The process's two hashing workers, started on first use and again after one failed. */
export function hashWorkers(): HashWorkers {
  if (pair) return pair;
  const started: HashWorkers = { file: start("file"), chunks: start("chunks") };
  // Either worker failing fails every stream (each needs both); the survivor goes too, so the
  // next stream starts a fresh pair with no stale state.
  const fail = (e: unknown) => {
    if (pair !== started) return;
    pair = undefined;
    for (const s of sessions.values()) s.fail(e);
    sessions.clear();
    void started.file.terminate();
    void started.chunks.terminate();
  };
  for (const role of ["file", "chunks"] as const) {
    const w = started[role];
    w.on("message", (m: Reply) => sessions.get(m.id)?.onReply(role, m));
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`the hashing worker exited (${code})`)));
  }
  return (pair = started);
}

function start(role: Role): Worker {
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { role, chunker: CHUNKER_ARGS }, execArgv: [] }); // CommonJS, whatever flags Kiln runs with (tsx, --input-type)
  w.unref(); // idle workers must not keep the process alive; sessions ref them while they wait
  return w;
}

/** Keeps the process alive while some stream waits for an answer. */
export function holdWorkers(workers: HashWorkers, held: boolean): void {
  for (const w of Object.values(workers)) held ? w.ref() : w.unref();
}
