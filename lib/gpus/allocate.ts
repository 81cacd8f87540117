import type { Db } from "../db";
import { servers } from "../db/schema";
import { ConflictError, ValidationError } from "../errors";
import { gpuInventory } from "./inventory";

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` with the GPU allocation to itself: reading which devices are held and recording
 * a new server's devices must not interleave with another start. One Kiln process owns the
 * servers table's GPU column, so an in-process queue is enough (a multi-instance Kiln would
 * take a database advisory lock here).
 */
export function withGpuLock<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => {});
  return next;
}

/**
 * Picks `count` free devices (lowest index first). Asking for more than the host has is a
 * 400; asking for more than are free right now is a 409 (they free up when servers stop).
 * Call inside withGpuLock, and record the result in the same critical section.
 */
export async function pickFreeGpus(db: Db, count: number): Promise<string[]> {
  if (count === 0) return [];
  const all = gpuInventory();
  if (count > all.length) {
    throw new ValidationError(`gpus: ${count} asked, but this instance has ${all.length === 0 ? "no GPUs" : `${all.length} in all`}`, "gpus");
  }
  const rows = await db.select({ ids: servers.gpuIds }).from(servers);
  const held = new Set(rows.flatMap((r) => r.ids ?? []));
  const free = all.filter((d) => !held.has(d.id));
  if (free.length < count) throw new ConflictError(`gpus: ${count} asked, ${free.length} of ${all.length} free; try again when a server stops`, "gpus");
  return free.slice(0, count).map((d) => d.id);
}
