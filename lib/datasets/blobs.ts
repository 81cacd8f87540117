import { getConfig } from "../config";
import { type BlobStore, createBlobStore } from "./store";

const KEY = Symbol.for("kiln.blobStore");
type G = typeof globalThis & { [KEY]?: BlobStore };

/**
 * The process-wide blob store for dataset (and artifact) chunks, chosen by
 * `getConfig().storage` (KILN_STORAGE). Kept on globalThis like the database handle, so
 * every bundle of the app shares one instance.
 */
export function blobStore(): BlobStore {
  const g = globalThis as G;
  if (g[KEY]) return g[KEY];
  const storage = getConfig().storage;
  g[KEY] =
    storage.kind === "s3"
      ? createBlobStore({
          kind: "s3", endpoint: storage.endpoint, bucket: storage.bucket, region: storage.region,
          accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey,
        })
      : createBlobStore({ kind: "local", root: storage.dir });
  return g[KEY];
}

/** Replaces the store (tests use a double); `undefined` goes back to the configured one. */
export function setBlobStore(store: BlobStore | undefined): void {
  (globalThis as G)[KEY] = store;
}
