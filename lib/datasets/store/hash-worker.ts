import { Worker } from "node:worker_threads";

/**
 * The one worker thread that computes ingest's hashes (see stream-hasher.ts). One is enough:
 * on two cores it and the chunker's thread keep both busy; more would only compete.
 */

// Plain CommonJS evaluated in the worker: no file to resolve, whatever bundles or runs Kiln.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const streams = new Map();
parentPort.on("message", (m) => {
  let s = streams.get(m.id);
  if (!s) streams.set(m.id, (s = { file: createHash("sha256"), chunk: createHash("sha256"), pos: 0, inChunk: 0 }));
  const hashes = [];
  if (m.slab) {
    const bytes = new Uint8Array(m.slab, 0, m.length);
    let at = 0;
    for (const cut of m.cuts) {
      s.chunk.update(bytes.subarray(at, cut - s.pos));
      hashes.push(s.chunk.digest("hex"));
      s.chunk = createHash("sha256");
      at = cut - s.pos;
      s.inChunk = 0;
    }
    s.chunk.update(bytes.subarray(at));
    s.inChunk += m.length - at;
    s.file.update(bytes);
    s.pos += m.length;
    parentPort.postMessage({ id: m.id, hashes, slab: m.slab }, [m.slab]);
  } else if (m.abort) {
    streams.delete(m.id);
  } else {
    if (s.inChunk > 0) hashes.push(s.chunk.digest("hex"));
    streams.delete(m.id);
    parentPort.postMessage({ id: m.id, hashes, sha256: s.file.digest("hex") });
  }
});`;

export interface Reply {
  id: number;
  hashes: string[];
  slab?: ArrayBuffer;
  sha256?: string;
}

export interface Session {
  onReply(m: Reply): void;
  fail(e: unknown): void;
}

let worker: Worker | undefined;
/** Streams being hashed, by id; each gets its worker's replies. */
export const sessions = new Map<number, Session>();
let nextId = 1;

export function newSessionId(): number {
  return nextId++;
}

export function sharedWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on("message", (m: Reply) => sessions.get(m.id)?.onReply(m));
  const fail = (e: unknown) => {
    if (worker === w) worker = undefined;
    for (const s of sessions.values()) s.fail(e);
    sessions.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`the hashing worker exited (${code})`)));
  w.unref(); // an idle worker must not keep the process alive; sessions ref it while they wait
  return (worker = w);
}
