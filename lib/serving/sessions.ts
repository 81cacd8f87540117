import ort from "onnxruntime-node";
import type { ModelVersionRow } from "../db/schema";
import { metrics } from "../metrics";
import { modelBytes } from "../models/bytes";

/** A tensor as serving handles it: onnxruntime's type name, flat data, dims. */
export interface FlatTensor {
  type: string;
  data: ArrayLike<unknown> & { buffer?: ArrayBufferLike };
  dims: readonly number[];
}

/** One model version, loaded: run it with flat tensors. */
export interface ModelRunner {
  run(feeds: Record<string, FlatTensor>): Promise<Record<string, FlatTensor>>;
}

/**
 * The onnxruntime sessions of the serving process, one per model version, shared by every
 * endpoint that serves it. They run on the serving process's own thread (onnxruntime-node
 * runs a session inside a setImmediate on the thread that calls it): that process does
 * nothing else, so a model run holds up only other model requests, never the notebooks,
 * and no request pays a hop to another thread. A model is data, not code: only ONNX files
 * are loaded (no custom-operator libraries, no pickles), so no user container is needed.
 * One intra-op thread per session: on these 2-core machines it was as fast as more and
 * steadier, and leaves a core to HTTP and the notebooks.
 */
const KEY = Symbol.for("kiln.servingSessions");
type G = typeof globalThis & { [KEY]?: Map<number, Promise<ort.InferenceSession>> };
const sessions = (): Map<number, Promise<ort.InferenceSession>> => ((globalThis as G)[KEY] ??= new Map());

/** What the loaded-models gauge names a version by. */
export interface VersionLabel {
  model: string;
  version: number;
}

function load(version: Pick<ModelVersionRow, "id" | "chunks" | "size">, label?: VersionLabel): Promise<ort.InferenceSession> {
  const all = sessions();
  let s = all.get(version.id);
  if (!s) {
    s = modelBytes(version.chunks, version.size).then((bytes) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 }));
    s.catch(() => all.delete(version.id)); // a failed load is tried again by the next request
    all.set(version.id, s);
    if (label) void s.then(() => metrics().servingLoaded.labels(label.model, String(label.version)).set(1), () => undefined);
  }
  return s;
}

export async function sessionFor(version: Pick<ModelVersionRow, "id" | "chunks" | "size">, label?: VersionLabel): Promise<ModelRunner> {
  const session = await load(version, label);
  return {
    run: async (feeds) => {
      const inputs: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.type as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims);
      const out = await session.run(inputs);
      const outputs: Record<string, FlatTensor> = {};
      for (const [name, t] of Object.entries(out)) outputs[name] = { type: t.type, data: t.data as FlatTensor["data"], dims: t.dims };
      return outputs;
    },
  };
}

/** Frees a version's session (its memory goes back): nothing may be running on it. */
export async function releaseSession(versionId: number, label?: VersionLabel): Promise<void> {
  const s = sessions().get(versionId);
  sessions().delete(versionId);
  if (label) metrics().servingLoaded.remove(label.model, String(label.version));
  await (await s?.catch(() => null))?.release();
}
