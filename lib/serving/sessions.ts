import * as ort from "onnxruntime-node";
import type { ModelVersionRow } from "../db/schema";
import { modelBytes } from "../models/bytes";

/**
 * onnxruntime sessions by model version, loaded once per process and shared by every
 * endpoint that serves the version. A model is data, not code: only ONNX files are loaded
 * (no custom-operator libraries, no pickles), so no user container is needed to serve one.
 * One intra-op thread each: on these machines it was as fast as more and steadier, and it
 * leaves the other core to HTTP and the notebooks.
 */
const KEY = Symbol.for("kiln.servingSessions");
type G = typeof globalThis & { [KEY]?: Map<number, Promise<ort.InferenceSession>> };
const cache = (): Map<number, Promise<ort.InferenceSession>> => ((globalThis as G)[KEY] ??= new Map());

export function sessionFor(version: Pick<ModelVersionRow, "id" | "chunks" | "size">): Promise<ort.InferenceSession> {
  const c = cache();
  let s = c.get(version.id);
  if (!s) {
    s = modelBytes(version.chunks, version.size).then((bytes) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 }));
    s.catch(() => c.delete(version.id)); // a failed load is tried again by the next request
    c.set(version.id, s);
  }
  return s;
}

/** Versions no endpoint serves any more give their memory back. */
export async function releaseSessionsExcept(keep: Set<number>): Promise<void> {
  const c = cache();
  for (const [id, s] of c) {
    if (keep.has(id)) continue;
    c.delete(id);
    await s.then((x) => x.release()).catch(() => {});
  }
}
