import type { Database } from "../../db/types";

/** What pg-boss asks of a database: one statement with parameters, or several without. */
export interface PgBossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
}

type Rows = { rows: Record<string, unknown>[] };

/**
 * A statement that fails inside the string's own BEGIN leaves its transaction open and
 * aborted (COMMIT never ran); it is rolled back before the connection serves anyone else.
 * (pg-boss expects some such failures: two processes installing its schema at once.)
 */
function rollBack(run: (sql: string) => Promise<unknown>) {
  return async (e: unknown): Promise<never> => {
    await run("ROLLBACK").catch(() => undefined);
    throw e;
  };
}

/**
 * A parameter as node-postgres, pg-boss's own driver, would send it: objects (a job's data,
 * a queue's options) as JSON text, undefined as NULL.
 */
function asParameter(v: unknown): unknown {
  if (v === undefined) return null;
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v) ? JSON.stringify(v) : v;
}

/**
 * pg-boss on Kiln's own database connection, whichever backend: its statements run through
 * the driver Kiln already has (postgres.js's pool, or the embedded PGlite) instead of a pool
 * of its own. pg-boss installs and migrates its schema with several statements in one
 * string, without parameters (a transaction under an advisory lock); like node-postgres,
 * such a string answers every statement's rows, in order.
 */
export function pgBossDb(database: Database): PgBossDb {
  const raw = database.raw;
  if (raw.kind === "pglite") {
    return {
      async executeSql(text, values = []) {
        if (values.length) return { rows: (await raw.client.query<Record<string, unknown>>(text, values)).rows };
        const results = (await raw.client.exec(text).catch(rollBack((sql) => raw.client.exec(sql)))).map((r) => ({ rows: r.rows as Record<string, unknown>[] }));
        return results.length === 1 ? results[0]! : results;
      },
    };
  }
  return {
    async executeSql(text, values = []) {
      if (values.length) return { rows: [...(await raw.sql.unsafe(text, values.map(asParameter) as never[]))] };
      // The simple protocol takes several statements (postgres.js then answers a list of
      // results), on a connection of their own: they hold a transaction open across them.
      const conn = await raw.sql.reserve();
      let r: Record<string, unknown>[] | Record<string, unknown>[][];
      try {
        r = (await conn.unsafe(text).simple().catch(rollBack((sql) => conn.unsafe(sql).simple()))) as unknown as typeof r;
      } finally {
        conn.release();
      }
      if (r.length > 0 && Array.isArray(r[0])) return (r as Record<string, unknown>[][]).map((rows): Rows => ({ rows: [...rows] }));
      return { rows: [...(r as Record<string, unknown>[])] };
    },
  };
}
