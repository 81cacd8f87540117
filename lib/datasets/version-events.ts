import type { Db } from "../db";
import type { DatasetVersionRow } from "../db/schema";
import { logger } from "../log";

type Listener = (db: Db, version: DatasetVersionRow) => Promise<void>;
const KEY = Symbol.for("kiln.datasetVersionListeners");
type G = typeof globalThis & { [KEY]?: Listener[] };
const listeners = (): Listener[] => ((globalThis as G)[KEY] ??= []);

/** Called after each committed version (pipelines' data triggers listen); datasets know nothing of who. */
export function onDatasetVersion(listener: Listener) {
  listeners().push(listener);
}

export function announceDatasetVersion(db: Db, version: DatasetVersionRow) {
  for (const l of listeners()) void l(db, version).catch((e) => logger().warn({ err: e, version: version.id }, "a dataset version listener failed"));
}
