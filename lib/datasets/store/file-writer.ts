import { Worker } from "node:worker_threads";

/**
 * The local store's writes, each done whole on one of a few worker threads with plain
 * synchronous calls: is it there, make its directory, write it under a temporary name,
 * fdatasync, rename. Through fs/promises each of those steps was a trip to libuv's pool and
 * back, a dozen per blob, and each trip cost the main thread 10-46 µs (waking a pool thread
 * and being woken by it, measured on these VMs): about 0.4 s of the main thread per 512 MB
 * upload, on the thread that also receives and chunks it. Here a blob costs one message out
 * and one back; the bytes are not copied to reach the worker when they sit in shared memory
 * (the hasher's slabs), and are copied once otherwise.
 */

// Plain CommonJS evaluated in the worker: no file to resolve, whatever bundles or runs Kiln.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const missing = (e) => e && e.code === "ENOENT";
const { O_WRONLY, O_CREAT, O_EXCL, O_DIRECT } = fs.constants;
// Durable blobs are written with O_DIRECT, from a staging buffer in WebAssembly memory (page
// aligned, as O_DIRECT wants): the disk gets them without the page cache, which an upload
// would otherwise grow by its whole size. See "O_DIRECT" in ARCHITECTURE.md for the numbers.
const ALIGN = 4096;
const STAGE_BYTES = 4 * 1024 * 1024;
let stage;
let direct = O_DIRECT !== undefined; // off for good once a file system refuses it (tmpfs, some FUSE)
function openTemp(m) {
  if (m.fsync && direct) {
    try {
      return { fd: fs.openSync(m.temp, O_WRONLY | O_CREAT | O_EXCL | O_DIRECT, 0o666), direct: true };
    } catch (e) {
      if (e.code !== "EINVAL") throw e;
      direct = false;
    }
  }
  return { fd: fs.openSync(m.temp, "wx"), direct: false };
}
function writeAt(fd, buf, length, position) {
  for (let done = 0; done < length; ) done += fs.writeSync(fd, buf, done, length - done, position + done);
}
/** The pieces through the aligned stage; the last block padded with zeros, then the file cut to its size. */
function writeDirect(fd, pieces) {
  stage ??= new Uint8Array(new WebAssembly.Memory({ initial: STAGE_BYTES / 65536 }).buffer);
  let filled = 0;
  let position = 0;
  for (const p of pieces)
    for (let off = 0; off < p.length; ) {
      const n = Math.min(p.length - off, STAGE_BYTES - filled);
      stage.set(p.subarray(off, off + n), filled);
      filled += n;
      off += n;
      if (filled === STAGE_BYTES) {
        writeAt(fd, stage, filled, position);
        position += filled;
        filled = 0;
      }
    }
  if (filled === 0) return;
  const padded = Math.ceil(filled / ALIGN) * ALIGN;
  stage.fill(0, filled, padded);
  writeAt(fd, stage, padded, position);
  if (padded !== filled) fs.ftruncateSync(fd, position + filled);
}
function writeBuffered(fd, pieces) {
  let left = pieces.filter((p) => p.length > 0);
  while (left.length) {
    let written = fs.writevSync(fd, left);
    while (left.length && written >= left[0].length) written -= left.shift().length;
    if (written > 0) left[0] = left[0].subarray(written);
  }
}
function put(m) {
  try {
    fs.statSync(m.final);
    return false; // stored already: content-addressed, so the same bytes
  } catch (e) {
    if (!missing(e)) throw e;
  }
  if (m.mkdir) fs.mkdirSync(m.dir, { recursive: true });
  try {
    try {
      writeTemp(m);
    } catch (e) {
      if (e.code !== "EINVAL" || !direct) throw e;
      // a file system that takes O_DIRECT at open but not its writes: buffered from now on
      direct = false;
      fs.rmSync(m.temp, { force: true });
      writeTemp(m);
    }
    fs.renameSync(m.temp, m.final);
  } catch (e) {
    fs.rmSync(m.temp, { force: true });
    throw e;
  }
  return true;
}
/** The blob under its temporary name, its data (and size) synced before the name points at it. */
function writeTemp(m) {
  const file = openTempIn(m);
  try {
    if (file.direct) writeDirect(file.fd, m.pieces);
    else writeBuffered(file.fd, m.pieces);
    if (m.fsync) fs.fdatasyncSync(file.fd);
  } finally {
    fs.closeSync(file.fd);
  }
}
function openTempIn(m) {
  try {
    return openTemp(m);
  } catch (e) {
    if (!missing(e)) throw e;
    fs.mkdirSync(m.dir, { recursive: true }); // removed behind the store's back (a sweep, a test)
    return openTemp(m);
  }
}
function syncDir(dir) {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
parentPort.on("message", (m) => {
  try {
    const wrote = m.op === "put" ? put(m) : (syncDir(m.dir), false);
    parentPort.postMessage({ id: m.id, wrote });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message), code: e && e.code } });
  }
});`;

/** One blob to write: `temp` is renamed to `final` once its bytes are written (and synced). */
export interface WriteJob {
  final: string;
  temp: string;
  dir: string;
  /** The directory may not exist yet: make it first. */
  mkdir: boolean;
  fsync: boolean;
  pieces: readonly Uint8Array[];
}

type Job = ({ op: "put" } & WriteJob) | { op: "syncDir"; dir: string };
interface Reply {
  id: number;
  wrote?: boolean;
  error?: { message: string; code?: string };
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered, by id. */
  waiting: Map<number, { resolve: (wrote: boolean) => void; reject: (e: unknown) => void }>;
}

/**
 * As many workers as libuv's pool has threads by default (4): as many writes and fsyncs wait
 * on the disk at once as before. A job goes to the worker with the fewest waiting.
 */
const WORKERS = 4;
let slots: Slot[] = [];
let nextId = 1;

function startSlot(): Slot {
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] }); // CommonJS, whatever flags Kiln runs with (tsx, --input-type)
  const slot: Slot = { worker, waiting: new Map() };
  worker.on("message", (m: Reply) => {
    const w = slot.waiting.get(m.id);
    if (!w) return;
    slot.waiting.delete(m.id);
    if (slot.waiting.size === 0) worker.unref();
    if (m.error) w.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    else w.resolve(m.wrote === true);
  });
  // A worker that dies fails what it was given (the store removes what it can) and is replaced on next use.
  const fail = (e: unknown) => {
    slots = slots.filter((s) => s !== slot);
    for (const w of slot.waiting.values()) w.reject(e);
    slot.waiting.clear();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the store's writing worker exited (${code})`)));
  worker.unref(); // after its listeners (a message listener refs it again): idle, it must not keep the process alive; waiting jobs ref it
  return slot;
}

function run(job: Job): Promise<boolean> {
  while (slots.length < WORKERS) slots.push(startSlot());
  const slot = slots.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
  const id = nextId++;
  return new Promise<boolean>((resolve, reject) => {
    slot.waiting.set(id, { resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage({ ...job, id });
  });
}

/** Writes a blob unless its final name exists; true when it wrote it. */
export function writeBlobFile(job: WriteJob): Promise<boolean> {
  // A view of an ordinary buffer would be posted with its whole buffer (a 64 KiB socket read
  // for a few bytes): copy just the view. Shared memory crosses as it is.
  const pieces = job.pieces.map((p) => (p.buffer instanceof SharedArrayBuffer || p.byteLength === p.buffer.byteLength ? p : p.slice()));
  return run({ op: "put", ...job, pieces });
}

/** fsyncs a directory, so the names made in it survive a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  await run({ op: "syncDir", dir });
}
