/** Polls `url` until it answers 2xx, with a short fixed interval (not JupyterHub's doubling back-off). */
export async function waitForHttp(url: string, headers: Record<string, string>, signal: AbortSignal, isAlive: () => Promise<boolean>) {
  for (let i = 0; ; i++) {
    signal.throwIfAborted();
    try {
      const r = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    if (i % 10 === 9 && !(await isAlive())) throw new Error("the server exited while starting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
