import { type Upstream, upstreamFetch } from "./upstream";

/** How long a server that answers may still wait for its first kernel before it is called ready anyway. */
const WARM_GRACE_MS = 3000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls Jupyter over its socket, with a short fixed interval (not JupyterHub's doubling
 * back-off), until it answers `api` at all; then asks `kiln/warm?wait=` (Kiln's extension
 * answers once the spare kernel is up, so the user's first kernel is at hand) until it says
 * so, WARM_GRACE_MS have passed, or it turns out to have no such route (an image without
 * Kiln's extension).
 */
export async function waitForJupyter(
  u: Upstream, base: string, token: string, signal: AbortSignal, isAlive: () => Promise<boolean>,
  /** The warm pool offers a container only once its spare kernel is up: no grace there. */
  warmGraceMs = WARM_GRACE_MS,
) {
  const ask = async (path: string, timeoutMs = 2000) => {
    try {
      // The signal ends a long wait on kiln/warm too: a shutdown or a timeout is not held up by it.
      return (await upstreamFetch(u, base + path, { headers: { authorization: `token ${token}` }, timeoutMs, signal })).status;
    } catch {
      return 0; // not listening yet
    }
  };
  for (let i = 0; ; i++) {
    signal.throwIfAborted();
    const status = await ask("api");
    if (status >= 200 && status < 300) break;
    if (i % 10 === 9 && !(await isAlive())) throw new Error("the server exited while starting");
    await sleep(50);
  }
  const until = Date.now() + warmGraceMs;
  while (Date.now() < until) {
    signal.throwIfAborted();
    // Held by the extension until the spare is up (or the wait runs out): no poll interval lost.
    const wait = Math.min(10, Math.max(0.05, (until - Date.now()) / 1000));
    const status = await ask(`kiln/warm?wait=${wait.toFixed(2)}`, wait * 1000 + 2000);
    if ((status >= 200 && status < 300) || status === 404) return;
    await sleep(50);
  }
}
