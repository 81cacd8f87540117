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
type G = typeof globalThis & { [KEY]?: { bus: EventEmitter; history: Map<string, ServerProgress[]> } };

function store() {
  const g = globalThis as G;
  return (g[KEY] ??= { bus: new EventEmitter().setMaxListeners(0), history: new Map() });
}

export const progressKey = (userId: number, serverName: string) => `${userId}/${serverName}`;

/** Records an event; late subscribers get the history first, as JupyterHub replays it. */
export function emitProgress(key: string, e: ServerProgress) {
  const s = store();
  const h = s.history.get(key) ?? [];
  h.push(e);
  s.history.set(key, h);
  s.bus.emit(key, e);
  if (e.ready || e.failed) setTimeout(() => s.history.get(key) === h && s.history.delete(key), 60_000).unref();
}

export function resetProgress(key: string) {
  store().history.delete(key);
}

export function subscribeProgress(key: string, fn: (e: ServerProgress) => void): { history: ServerProgress[]; unsubscribe: () => void } {
  const s = store();
  s.bus.on(key, fn);
  return { history: [...(s.history.get(key) ?? [])], unsubscribe: () => s.bus.off(key, fn) };
}

export function lastProgress(key: string): ServerProgress | undefined {
  return store().history.get(key)?.at(-1);
}
