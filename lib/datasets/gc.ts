import type { Db } from "../db";
import { datasetUploads, datasetVersions, modelVersions, runArtifacts } from "../db/schema";
import { logger } from "../log";
import type { BlobStore } from "./store";

/** A chunk nothing refers to is deleted once it has stayed so this long (an upload in flight refers to its chunks only at its end). */
export const GC_GRACE_MS = 24 * 3600_000;

const KEY = Symbol.for("kiln.blobGc");
type G = typeof globalThis & { [KEY]?: Map<string, number> };
/** Unreferenced chunks and when a sweep first saw them so. In memory: a restart only restarts their clocks. */
const firstSeen = () => ((globalThis as G)[KEY] ??= new Map());

async function referenced(db: Db): Promise<Set<string>> {
  const refs = new Set<string>();
  for (const v of await db.select({ files: datasetVersions.files }).from(datasetVersions)) for (const f of v.files) for (const c of f.chunks) refs.add(c.hash);
  for (const u of await db.select({ files: datasetUploads.files }).from(datasetUploads)) for (const f of u.files) for (const c of f.chunks) refs.add(c.hash);
  for (const a of await db.select({ chunks: runArtifacts.chunks }).from(runArtifacts)) for (const c of a.chunks) refs.add(c.hash);
  // a registered model version keeps its bytes after its run is deleted
  for (const v of await db.select({ chunks: modelVersions.chunks }).from(modelVersions)) for (const c of v.chunks) refs.add(c.hash);
  return refs;
}

/**
 * Mark and sweep for the blob store: chunks are shared by content between versions,
 * uploads and artifacts, so one is deleted only when none of them names it, for a whole
 * grace period (aborted, cut-off and purged uploads leave such chunks behind).
 */
export async function collectGarbage(db: Db, store: BlobStore, now = Date.now(), graceMs = GC_GRACE_MS): Promise<{ deleted: number; pending: number }> {
  const refs = await referenced(db);
  const seen = firstSeen();
  let deleted = 0;
  const unreferenced = new Set<string>();
  for await (const hash of store.list()) {
    if (refs.has(hash)) continue;
    unreferenced.add(hash);
    const since = seen.get(hash);
    if (since === undefined) seen.set(hash, now);
    else if (now - since >= graceMs && (await store.delete(hash))) {
      seen.delete(hash);
      unreferenced.delete(hash);
      deleted++;
    }
  }
  for (const hash of seen.keys()) if (!unreferenced.has(hash)) seen.delete(hash); // referenced again, or gone
  // a local store's half-written temporaries from a crash (they never carry a hash's name)
  const local = store as BlobStore & { sweepTemporaries?: (olderThanMs?: number) => Promise<number> };
  await local.sweepTemporaries?.();
  if (deleted) logger().info({ deleted }, "blob store: unreferenced chunks deleted");
  return { deleted, pending: seen.size };
}
