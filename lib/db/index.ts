import { getConfig } from "../config";
import { openDatabase } from "./open";
import type { Database, Db } from "./types";

export type { Db, Database } from "./types";
export * as tables from "./schema";

const KEY = Symbol.for("kiln.database");
type G = typeof globalThis & { [KEY]?: Promise<Database> };

/**
 * The process-wide database. server.ts opens it before Next handles a request; route
 * handlers (bundled separately by Next) find the same instance through globalThis, so the
 * embedded PGlite is never opened twice.
 */
export function getDatabase(): Promise<Database> {
  const g = globalThis as G;
  return (g[KEY] ??= openDatabase(getConfig().database).catch((e) => {
    delete g[KEY];
    throw e;
  }));
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

export async function closeDatabase(): Promise<void> {
  const g = globalThis as G;
  const p = g[KEY];
  delete g[KEY];
  if (p) await (await p).close();
}

/** The rows of `db.execute(sql...)`: postgres.js answers an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
