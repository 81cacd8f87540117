import { EventEmitter } from "node:events";

/** JupyterHub's progress event shape, as sent on /hub/api/users/{name}/server/progress. */
export interface ServerProgress {
  progress: number;
  message: string;
  ready?: boolean;
  failed?: boolean;
  url?: string;
}

const KEY = Symbol.for("kiln.serverProgress");
/** What one replica tells the others (progress-relay.ts): an event, or a history reset. */
export type ProgressNote = { key: string; event: ServerProgress } | { key: string; reset: true };
type Store = { bus: EventEmitter; history: Map<string, ServerProgress[]>; relay: ((n: ProgressNote) => void) | null };
type G = typeof globalThis & { [KEY]?: Store };

function store(): Store {
  const g = globalThis as G;
  return (g[KEY] ??= { bus: new EventEmitter().setMaxListeners(0), history: new Map(), relay: null });
}

/** server.ts (through progress-relay.ts): where this replica's events also go, for the other replicas' subscribers. */
export function relayProgress(to: (n: ProgressNote) => void) {
  store().relay = to;
}

/** An event or reset another replica made: recorded and delivered here, not relayed again. */
export function receiveProgress(n: ProgressNote) {
  if ("reset" in n) store().history.delete(n.key);
  else record(n.key, n.event);
}

export const progressKey = (userId: number, serverName: string) => `${userId}/${serverName}`;

/** Records an event; late subscribers get the history first, as JupyterHub replays it. */
export function emitProgress(key: string, e: ServerProgress) {
  record(key, e);
  store().relay?.({ key, event: e });
}

function record(key: string, e: ServerProgress) {
  const s = store();
  const h = s.history.get(key) ?? [];
  h.push(e);
  s.history.set(key, h);
  s.bus.emit(key, e);
  if (e.ready || e.failed) setTimeout(() => s.history.get(key) === h && s.history.delete(key), 60_000).unref();
}

export function resetProgress(key: string) {
  store().history.delete(key);
  store().relay?.({ key, reset: true });
}

export function subscribeProgress(key: string, fn: (e: ServerProgress) => void): { history: ServerProgress[]; unsubscribe: () => void } {
  const s = store();
  s.bus.on(key, fn);
  return { history: [...(s.history.get(key) ?? [])], unsubscribe: () => s.bus.off(key, fn) };
}

export function lastProgress(key: string): ServerProgress | undefined {
  return store().history.get(key)?.at(-1);
}
