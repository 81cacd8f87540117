/**
 * Slabs: shared memory that carries a stream's bytes to both hashing workers and then to the
 * store, so each byte is copied once (from the request into a slab) and never again. One
 * stream's worth of idle slabs is kept a little while for the next stream: an upload of many
 * small files would otherwise allocate (and the kernel zero) 4 MiB per file. An idle server
 * keeps none.
 */
export const SLAB_BYTES = 4 * 1024 * 1024;
const IDLE_KEPT = 8;
const IDLE_MS = 30_000;

let idle: SharedArrayBuffer[] = [];
let dropTimer: NodeJS.Timeout | undefined;

export function takeSlab(): SharedArrayBuffer {
  return idle.pop() ?? new SharedArrayBuffer(SLAB_BYTES);
}

/** Only for a slab no worker is reading and no store is writing from any more. */
export function returnSlab(slab: SharedArrayBuffer): void {
  if (idle.length >= IDLE_KEPT) return;
  idle.push(slab);
  dropTimer?.refresh();
  dropTimer ??= setTimeout(() => ((idle = []), (dropTimer = undefined)), IDLE_MS).unref();
}
