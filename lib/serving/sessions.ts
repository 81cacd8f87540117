import { Worker } from "node:worker_threads";
import type { ModelVersionRow } from "../db/schema";
import { logger } from "../log";
import { modelBytes } from "../models/bytes";

/** A tensor as it crosses to the model's thread: onnxruntime's type name, flat data, dims. */
export interface FlatTensor {
  type: string;
  data: ArrayLike<unknown> & { buffer?: ArrayBufferLike };
  dims: readonly number[];
}

/** One model version, loaded in the runtime's thread: run it with flat tensors. */
export interface ModelRunner {
  run(feeds: Record<string, FlatTensor>): Promise<Record<string, FlatTensor>>;
}

type Answer = { seq: number; ok: boolean; error?: string; outputs?: Record<string, FlatTensor> };

/**
 * The onnxruntime thread (lib/serving/ort-worker.mjs) and the sessions loaded in it, one per
 * model version, shared by every endpoint that serves it. A model is data, not code: only
 * ONNX files are loaded (no custom-operator libraries, no pickles), so no user container is
 * needed. One intra-op thread per session: on these 2-core machines it was as fast as more
 * and steadier, and leaves a core to HTTP and the notebooks. A worker that dies takes its
 * sessions with it; the next request starts a new one and loads again.
 */
class Runtime {
  private worker: Worker | null = null;
  private seq = 0;
  private pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  readonly loaded = new Map<number, Promise<void>>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL("./ort-worker.mjs", import.meta.url));
    w.unref();
    w.on("message", (a: Answer) => {
      const p = this.pending.get(a.seq);
      if (!p) return;
      this.pending.delete(a.seq);
      if (a.ok) p.resolve(a);
      else p.reject(new Error(a.error));
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      logger().error({ why }, "serving: the model runtime's thread stopped");
      this.worker = null;
      this.loaded.clear();
      for (const p of this.pending.values()) p.reject(new Error(`the model runtime stopped: ${why}`));
      this.pending.clear();
    };
    w.on("error", (e) => died(e.message));
    w.on("exit", (code) => died(`exit ${code}`));
    return (this.worker = w);
  }

  call(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Answer> {
    const w = this.start();
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      w.postMessage({ ...message, seq }, transfer);
    });
  }
}

const KEY = Symbol.for("kiln.servingRuntime");
type G = typeof globalThis & { [KEY]?: Runtime };
const runtime = (): Runtime => ((globalThis as G)[KEY] ??= new Runtime());

export function sessionFor(version: Pick<ModelVersionRow, "id" | "chunks" | "size">): Promise<ModelRunner> {
  const rt = runtime();
  let loading = rt.loaded.get(version.id);
  if (!loading) {
    loading = modelBytes(version.chunks, version.size).then(async (bytes) => {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      await rt.call({ op: "load", id: version.id, bytes: own }, [own.buffer as ArrayBuffer]);
    });
    loading.catch(() => rt.loaded.delete(version.id)); // a failed load is tried again by the next request
    rt.loaded.set(version.id, loading);
  }
  return loading.then(() => ({
    run: async (feeds) => {
      if (!rt.loaded.has(version.id)) await sessionFor(version); // the thread was restarted meanwhile
      const transfer = Object.values(feeds).flatMap((t) => (t.data.buffer instanceof ArrayBuffer ? [t.data.buffer] : []));
      return (await rt.call({ op: "run", id: version.id, feeds }, transfer)).outputs!;
    },
  }));
}
