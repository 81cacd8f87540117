import { metrics } from "../metrics";
import { Batcher } from "./batcher";
import type { LiveEndpoint, Route } from "./live";
import type { Feeds } from "./requests";
import { type FlatTensor, releaseSession, sessionFor } from "./sessions";

const KEY = Symbol.for("kiln.servingBatchers");
type G = typeof globalThis & { [KEY]?: Map<string, Promise<Batcher>> };
const batchers = (): Map<string, Promise<Batcher>> => ((globalThis as G)[KEY] ??= new Map());

/** What a batcher needs of its endpoint. */
type BatchSettings = Pick<LiveEndpoint, "id" | "modelName" | "maxBatch" | "maxWaitMs">;

/**
 * The batchers already loaded, by the same key, so that a request finds its own without
 * waiting on a promise (a turn of the microtask queue per request). Kept in step with
 * batchers(): set once loaded, removed with it.
 */
const READY = Symbol.for("kiln.servingBatchersReady");
type R = typeof globalThis & { [READY]?: Map<string, Batcher> };
const ready = (): Map<string, Batcher> => ((globalThis as R)[READY] ??= new Map());

/** The batcher of one endpoint's version (its session loaded once, shared by versions' users). */
function batcherFor(endpoint: BatchSettings, route: Pick<Route, "version" | "signature">): Promise<Batcher> | Batcher {
  const key = `${endpoint.id}:${route.version.id}`;
  const loaded = ready().get(key);
  if (loaded) return withSettings(loaded, endpoint);
  const all = batchers();
  let b = all.get(key);
  if (!b) {
    const made = sessionFor(route.version, { model: endpoint.modelName, version: route.version.version }).then((s) => new Batcher(s, route.signature, endpoint.maxBatch, endpoint.maxWaitMs, { model: endpoint.modelName, version: route.version.version }));
    made.then((x) => all.get(key) === made && ready().set(key, x), () => all.delete(key));
    all.set(key, (b = made));
  }
  return b.then((x) => withSettings(x, endpoint));
}

function withSettings(b: Batcher, endpoint: BatchSettings): Batcher {
  b.maxBatch = endpoint.maxBatch; // settings changed since: the next run uses them
  b.maxWaitMs = endpoint.maxWaitMs;
  return b;
}

/** One row of zeros (or empty strings) for every input: what a first run needs to be a run. */
function zerosFor(signature: Route["signature"]): Record<string, FlatTensor> | null {
  const feeds: Record<string, FlatTensor> = {};
  for (const i of signature.inputs) {
    const dims = i.shape.map((d) => (typeof d === "number" ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const data =
      i.type === "float32" ? new Float32Array(n) : i.type === "float64" ? new Float64Array(n) : i.type === "int64" ? new BigInt64Array(n)
        : i.type === "int32" ? new Int32Array(n) : i.type === "bool" ? new Uint8Array(n) : i.type === "string" ? new Array<string>(n).fill("") : null;
    if (!data) return null;
    feeds[i.name] = { type: i.type, data, dims };
  }
  return feeds;
}

const warmed = new Set<number>();
/**
 * Loads a version before traffic moves to it and runs it once on zeros (onnxruntime sets a
 * session's kernels and buffers up on its first run), so the first requests after a swap
 * find it ready.
 */
export async function warmRoute(endpoint: BatchSettings, route: Pick<Route, "version" | "signature">): Promise<void> {
  await batcherFor(endpoint, route);
  if (warmed.has(route.version.id)) return;
  warmed.add(route.version.id);
  const zeros = zerosFor(route.signature);
  if (zeros) await (await sessionFor(route.version)).run(zeros).catch(() => undefined); // a model that refuses zeros still serves
}

/**
 * Unloads what no endpoint routes to any more: a version's batcher once it has been idle
 * `idleMs`, then its session when no endpoint's batcher uses it. `routed` is every
 * endpoint's routing as this process knows it. A request that still holds the old routing
 * finds the version loaded again (the check and the removal happen in one step, with no
 * await between, so nothing is released under a waiting request).
 */
export async function releaseUnrouted(routed: LiveEndpoint[], idleMs: number): Promise<number> {
  const keep = new Set(routed.flatMap((e) => e.routes.map((r) => `${e.id}:${r.version.id}`)));
  const all = batchers();
  const settled = await Promise.all([...all].map(async ([key, b]) => [key, b, await b.catch(() => null)] as const));
  const now = Date.now();
  const released: { versionId: number; label: { model: string; version: number } }[] = [];
  for (const [key, promise, batcher] of settled) {
    if (all.get(key) !== promise || keep.has(key) || !batcher?.idle || now - batcher.lastUsed < idleMs) continue;
    all.delete(key);
    ready().delete(key);
    released.push({ versionId: Number(key.split(":")[1]), label: batcher.label });
  }
  const inUse = new Set([...all.keys()].map((k) => Number(k.split(":")[1])));
  const freed = released.filter((r) => !inUse.has(r.versionId));
  for (const r of freed) {
    warmed.delete(r.versionId); // loaded again later, it is warmed again
    await releaseSession(r.versionId, r.label);
  }
  return freed.length;
}

const batchMeters = new Map<string, { observe: (v: number) => void }>();
const batchMeter = (endpoint: string) => {
  let m = batchMeters.get(endpoint);
  if (!m) batchMeters.set(endpoint, (m = metrics().endpointBatch.labels(endpoint)));
  return m;
};

/** Runs one request on the route it was given; records the size of the batch it joined. */
export async function predict(endpoint: LiveEndpoint, route: Route, feeds: Feeds): Promise<Record<string, FlatTensor>> {
  const b = batcherFor(endpoint, route);
  const { outputs, batch } = await (b instanceof Batcher ? b : await b).run(feeds);
  if (batch > 0) batchMeter(endpoint.name).observe(batch);
  return outputs;
}
