import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

/** The drizzle database both backends (postgres.js and PGlite) satisfy: one code path. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  kind: "postgres" | "pglite";
  db: Db;
  /** The driver underneath, for what drizzle cannot say (COPY FROM STDIN for metric points). */
  raw: { kind: "postgres"; sql: import("postgres").Sql } | { kind: "pglite"; client: PGlite };
  /** Round-trips to the database; throws when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
