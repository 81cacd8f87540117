import type { Database } from "./types";

/**
 * Whether this process is its database's only writer: true on the embedded PGlite, which no
 * other process can open, false on PostgreSQL, where other replicas may write at any time.
 * Polls that look for another replica's work (a new cron schedule, a sweep whose Kiln went
 * quiet, a job sent elsewhere) can then wait much longer, as this process hears of its own
 * writes as it makes them. On PGlite every query also runs on Kiln's own event loop (about
 * 1-3 ms each, statement and JavaScript), between the requests and kernel messages it serves.
 */
export function soleWriter(database: Pick<Database, "kind">): boolean {
  return database.kind === "pglite";
}
