import { type Upstream, upstreamFetch } from "./upstream";

/**
 * Polls Jupyter at `path` over its socket until it answers 2xx, with a short fixed interval
 * (not JupyterHub's doubling back-off): a server is ready about as soon as it is.
 */
export async function waitForJupyter(u: Upstream, path: string, token: string, signal: AbortSignal, isAlive: () => Promise<boolean>) {
  for (let i = 0; ; i++) {
    signal.throwIfAborted();
    try {
      const r = await upstreamFetch(u, path, { headers: { authorization: `token ${token}` }, timeoutMs: 2000 });
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    if (i % 10 === 9 && !(await isAlive())) throw new Error("the server exited while starting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
