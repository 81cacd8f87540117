import { type Upstream, upstreamFetch } from "./upstream";

/** How long a server that answers may still wait for its first kernel before it is called ready anyway. */
const WARM_GRACE_MS = 3000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls Jupyter over its socket, with a short fixed interval (not JupyterHub's doubling
 * back-off): first until it answers `api` at all, then until `warm` (Kiln's extension:
 * the spare kernel is up, so the user's first kernel is at hand) or WARM_GRACE_MS have
 * passed, or it turns out to have no such route (an image without Kiln's extension).
 */
export async function waitForJupyter(
  u: Upstream, base: string, token: string, signal: AbortSignal, isAlive: () => Promise<boolean>,
  /** The warm pool offers a container only once its spare kernel is up: no grace there. */
  warmGraceMs = WARM_GRACE_MS,
) {
  const ask = async (path: string) => {
    try {
      return (await upstreamFetch(u, base + path, { headers: { authorization: `token ${token}` }, timeoutMs: 2000 })).status;
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
    const status = await ask("kiln/warm");
    if ((status >= 200 && status < 300) || status === 404) return;
    await sleep(50);
  }
}
