import { metrics } from "../metrics";
import { Batcher } from "./batcher";
import type { LiveEndpoint, Route } from "./live";
import type { Feeds } from "./requests";
import { type FlatTensor, releaseSession, sessionFor } from "./sessions";

/**
 * The batchers, by endpoint and version: the promise while the session loads, and the
 * batcher itself once loaded, so that a request finds its own without waiting on a promise.
 */
interface BatcherEntry {
  promise: Promise<Batcher>;
  loaded?: Batcher;
}
const KEY = Symbol.for("kiln.servingBatchers");
type G = typeof globalThis & { [KEY]?: Map<string, BatcherEntry> };
const batchers = (): Map<string, BatcherEntry> => ((globalThis as G)[KEY] ??= new Map());

/** What a batcher needs of its endpoint. */
type BatchSettings = Pick<LiveEndpoint, "id" | "modelName" | "maxBatch" | "maxWaitMs">;

/** The batcher of one endpoint's version (its session loaded once, shared by versions' users). */
function batcherFor(endpoint: BatchSettings, route: Pick<Route, "version" | "signature">): Promise<Batcher> | Batcher {
  const key = `${endpoint.id}:${route.version.id}`;
  const all = batchers();
  let entry = all.get(key);
  if (entry?.loaded) return withSettings(entry.loaded, endpoint);
  if (!entry) {
    const label = { model: endpoint.modelName, version: route.version.version };
    const made: BatcherEntry = { promise: sessionFor(route.version, label).then((s) => new Batcher(s, route.signature, endpoint.maxBatch, endpoint.maxWaitMs, label)) };
    made.promise.then((b) => (made.loaded = b), () => all.get(key) === made && all.delete(key));
    all.set(key, (entry = made));
  }
  return entry.promise.then((b) => withSettings(b, endpoint));
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
  const settled = await Promise.all([...all].map(async ([key, entry]) => [key, entry, await entry.promise.catch(() => null)] as const));
  const now = Date.now();
  const released: { versionId: number; label: { model: string; version: number } }[] = [];
  for (const [key, entry, batcher] of settled) {
    if (all.get(key) !== entry || keep.has(key) || !batcher?.idle || now - batcher.lastUsed < idleMs) continue;
    all.delete(key);
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
