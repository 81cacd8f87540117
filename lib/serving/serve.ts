import { metrics } from "../metrics";
import { Batcher } from "./batcher";
import type { LiveEndpoint, Route } from "./live";
import type { Feeds } from "./requests";
import { type FlatTensor, sessionFor } from "./sessions";

const KEY = Symbol.for("kiln.servingBatchers");
type G = typeof globalThis & { [KEY]?: Map<string, Promise<Batcher>> };
const batchers = (): Map<string, Promise<Batcher>> => ((globalThis as G)[KEY] ??= new Map());

/** What a batcher needs of its endpoint. */
type BatchSettings = Pick<LiveEndpoint, "id" | "maxBatch" | "maxWaitMs">;

/** The batcher of one endpoint's version (its session loaded once, shared by versions' users). */
function batcherFor(endpoint: BatchSettings, route: Pick<Route, "version" | "signature">): Promise<Batcher> {
  const key = `${endpoint.id}:${route.version.id}`;
  const all = batchers();
  let b = all.get(key);
  if (!b) {
    b = sessionFor(route.version).then((s) => new Batcher(s, route.signature, endpoint.maxBatch, endpoint.maxWaitMs));
    b.catch(() => all.delete(key));
    all.set(key, b);
  }
  return b.then((x) => {
    x.maxBatch = endpoint.maxBatch; // settings changed since: the next run uses them
    x.maxWaitMs = endpoint.maxWaitMs;
    return x;
  });
}

/** Loads a version before traffic moves to it, so the first requests after a swap do not wait for it. */
export async function warmRoute(endpoint: BatchSettings, route: Pick<Route, "version" | "signature">): Promise<void> {
  await batcherFor(endpoint, route);
}

const batchMeters = new Map<string, { observe: (v: number) => void }>();
const batchMeter = (endpoint: string) => {
  let m = batchMeters.get(endpoint);
  if (!m) batchMeters.set(endpoint, (m = metrics().endpointBatch.labels(endpoint)));
  return m;
};

/** Runs one request on the route it was given; records the size of the batch it joined. */
export async function predict(endpoint: LiveEndpoint, route: Route, feeds: Feeds): Promise<Record<string, FlatTensor>> {
  const { outputs, batch } = await (await batcherFor(endpoint, route)).run(feeds);
  if (batch > 0) batchMeter(endpoint.name).observe(batch);
  return outputs;
}
