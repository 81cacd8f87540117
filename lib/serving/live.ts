import { eq } from "drizzle-orm";
import { getDb } from "../db";
import { endpoints, endpointTraffic, type ModelSignature, type ModelVersionRow, models, modelVersions } from "../db/schema";

/** One version an endpoint routes to, with what serving it needs. */
export interface Route {
  version: Pick<ModelVersionRow, "id" | "version" | "chunks" | "size">;
  signature: ModelSignature;
  weight: number;
}
export interface LiveEndpoint {
  id: number;
  name: string;
  modelName: string;
  public: boolean;
  tokenHash: string;
  state: "running" | "stopped";
  maxBatch: number;
  maxWaitMs: number;
  sampleRate: number;
  routes: Route[];
}

/**
 * Serving reads an endpoint's routing on every request: from memory, refreshed from the
 * database about once a second (another Kiln process's change shows within that), and at
 * once when this process changed it. A request keeps the snapshot it started with, so a
 * swap lets requests in flight finish on the version they began on.
 */
const TTL_MS = 1000;
const KEY = Symbol.for("kiln.liveEndpoints");
/** `known`: the value, once the promise has settled with one (requests then read it without awaiting). */
type Entry = { at: number; value: Promise<LiveEndpoint | null>; reloading?: boolean; known?: { value: LiveEndpoint | null } };
type G = typeof globalThis & { [KEY]?: Map<string, Entry> };
const cache = (): Map<string, Entry> => ((globalThis as G)[KEY] ??= new Map());

/** Where routing comes from: the database in Kiln's main process, the main process in the serving process. */
type Source = (name: string) => Promise<LiveEndpoint | null>;
/** Told of every change this process makes (the main process tells its serving process). */
type Listener = (name: string, value: LiveEndpoint | null) => Promise<void>;
const HOOKS = Symbol.for("kiln.liveEndpointHooks");
type H = typeof globalThis & { [HOOKS]?: { source: Source; listener: Listener | null } };
const hooks = () => ((globalThis as H)[HOOKS] ??= { source: loadEndpoint, listener: null });

export function setEndpointSource(source: Source) {
  hooks().source = source;
}
export function onEndpointChange(listener: Listener) {
  hooks().listener = listener;
}

/** An endpoint's routing as the database has it now. */
export async function loadEndpoint(name: string): Promise<LiveEndpoint | null> {
  const db = await getDb();
  const [e] = await db
    .select({ e: endpoints, modelName: models.name })
    .from(endpoints)
    .innerJoin(models, eq(models.id, endpoints.modelId))
    .where(eq(endpoints.name, name));
  if (!e) return null;
  const routes = await db
    .select({ id: modelVersions.id, version: modelVersions.version, chunks: modelVersions.chunks, size: modelVersions.size, signature: modelVersions.signature, weight: endpointTraffic.weight })
    .from(endpointTraffic)
    .innerJoin(modelVersions, eq(modelVersions.id, endpointTraffic.versionId))
    .where(eq(endpointTraffic.endpointId, e.e.id));
  return liveEndpointOf({ ...e.e, modelName: e.modelName }, routes);
}

/** An endpoint's routing from its row and its traffic rows (the versions with weight 0 answer nothing). */
export function liveEndpointOf(
  e: Omit<LiveEndpoint, "routes">,
  traffic: (Pick<ModelVersionRow, "id" | "version" | "chunks" | "size" | "signature"> & { weight: number })[],
): LiveEndpoint {
  return {
    id: e.id, name: e.name, modelName: e.modelName, public: e.public, tokenHash: e.tokenHash, state: e.state, maxBatch: e.maxBatch, maxWaitMs: e.maxWaitMs, sampleRate: e.sampleRate,
    routes: traffic.filter((r) => r.weight > 0).map((r) => ({ version: { id: r.id, version: r.version, chunks: r.chunks, size: r.size }, signature: r.signature, weight: r.weight })),
  };
}

/**
 * The endpoint's routing: fresh from memory; past the TTL the cached value still answers
 * while one reload runs beside it (requests never queue behind a database read).
 */
export function liveEndpoint(name: string): Promise<LiveEndpoint | null> {
  return entryOf(name).value;
}

/** The same, without a promise to wait on when the routing is already here (every request but the first). */
export function liveEndpointNow(name: string): LiveEndpoint | null | Promise<LiveEndpoint | null> {
  const e = entryOf(name);
  return e.known ? e.known.value : e.value;
}

function entryOf(name: string): Entry {
  const c = cache();
  const hit = c.get(name);
  if (hit) {
    if (Date.now() - hit.at >= TTL_MS && !hit.reloading) {
      hit.reloading = true;
      void hooks().source(name).then(
        (value) => putEndpoint(name, value),
        () => (hit.reloading = false),
      );
    }
    return hit;
  }
  const entry: Entry = { at: Date.now(), value: hooks().source(name) };
  entry.value.then((value) => (entry.known = { value }), () => c.get(name) === entry && c.delete(name));
  c.set(name, entry);
  return entry;
}

/** After a change made here: the new routing replaces the old in one step, once read. */
export async function refreshEndpoint(name: string): Promise<void> {
  await publishEndpoint(name, await hooks().source(name));
}

/** After a change made here, with the routing it wrote (no read back): here, then in the serving processes. */
export async function publishEndpoint(name: string, value: LiveEndpoint | null): Promise<void> {
  putEndpoint(name, value);
  await hooks().listener?.(name, value); // the serving process has it before the change is answered
}

/** Routing given by the process that changed it. */
export function putEndpoint(name: string, value: LiveEndpoint | null) {
  cache().set(name, { at: Date.now(), value: Promise.resolve(value), known: { value } });
}

/** Every endpoint's routing as this process has it (what is loaded for the others can go). */
export async function knownEndpoints(): Promise<LiveEndpoint[]> {
  const values = await Promise.all([...cache().values()].map((e) => e.value.catch(() => null)));
  return values.filter((v): v is LiveEndpoint => v !== null);
}

/** The endpoint is gone (deleted): nothing of it stays here. */
export async function forgetEndpoint(name: string): Promise<void> {
  cache().delete(name);
  await hooks().listener?.(name, null);
}

/** A route by weight: a canary of weight 10 against 90 gets a tenth of the requests. */
export function pickRoute(routes: Route[], random = Math.random()): Route | null {
  const total = routes.reduce((n, r) => n + r.weight, 0);
  if (total <= 0) return null;
  let x = random * total;
  for (const r of routes) {
    if (x < r.weight) return r;
    x -= r.weight;
  }
  return routes.at(-1)!;
}
