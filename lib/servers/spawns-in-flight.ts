/**
 * The server starts this process is carrying out, so that Kiln's shutdown can end them
 * instead of leaving them to run on with no one to finish them: a start abandoned that way
 * left its Jupyter (a local process, or a container) running with no row that names it when
 * its server had been stopped while starting. Aborted, each start's spawner removes what it
 * made and the start records why it failed, before the database closes.
 *
 * On globalThis: the route handlers (Next's bundle) start servers, and server.ts (its own
 * copy of lib) shuts down.
 */
const KEY = Symbol.for("kiln.spawnsInFlight");

interface InFlight {
  shutdown: AbortController;
  starts: Set<Promise<unknown>>;
}

function inFlight(): InFlight {
  const g = globalThis as typeof globalThis & { [KEY]?: InFlight };
  return (g[KEY] ??= { shutdown: new AbortController(), starts: new Set() });
}

/** Runs one start, told by `shutdown` when Kiln stops; the shutdown waits for it to settle. */
export function whileStarting<T>(start: (shutdown: AbortSignal) => Promise<T>): Promise<T> {
  const state = inFlight();
  const running = start(state.shutdown.signal);
  state.starts.add(running);
  void running.finally(() => state.starts.delete(running)).catch(() => {});
  return running;
}

/**
 * Kiln is stopping: every start in flight is aborted, and settled before this resolves, or
 * `withinMs` passed: an image build, which cannot be aborted, does not hold the shutdown up.
 * Such a start has made no server yet; its pending row is cleaned up by the next Kiln
 * (orphans.ts), as before.
 */
export async function endStartsInFlight(withinMs = 6000): Promise<void> {
  const state = inFlight();
  state.shutdown.abort(new Error("Kiln is shutting down"));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...state.starts]), new Promise((r) => (timer = setTimeout(r, withinMs)))]);
  clearTimeout(timer);
}
