/**
 * Background passes (the server watch) run on Kiln's main thread at its priority, above the
 * serving processes' (KILN_SERVING_NICE): in one piece, a pass took a core from them for
 * 15-17 ms and model requests waited that long (ARCHITECTURE.md, Models and serving). A
 * pacer makes a pass give the CPU back between its steps once it has run `sliceMs`: the
 * pass takes a little longer, and nothing waits behind it for more than a slice. A traffic
 * change (lib/serving/manage.ts) is paced the same way: it is made while the endpoint is
 * under load.
 */
export function pacer(sliceMs = 2, pauseMs = 10): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    since = performance.now();
  };
}

/** For callers with no pass to pace. */
export const unpaced = async (): Promise<void> => {};
