import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { sql } from "drizzle-orm";
import * as schema from "./schema";
import { lockPgliteDir } from "./pglite-lock";
import { pgliteTemplateFor } from "./template";
import type { Database, Db } from "./types";

export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  /** dir null: in memory. useTemplate false: always initdb (tests compare both paths). */
  | { kind: "pglite"; dir: string | null; useTemplate?: boolean };

const MIGRATIONS = path.resolve(process.cwd(), "drizzle");

/**
 * postgres.js leaves Nagle's algorithm on, which stalls pipelined statements ~40 ms on
 * delayed ACKs (measured here, see BENCHMARKS.md): we open its sockets ourselves.
 */
function noDelaySocket(o: { host: string[]; port: number[]; path?: string | false }) {
  return new Promise<net.Socket>((resolve, reject) => {
    const s = o.path ? net.connect(o.path) : net.connect({ host: o.host[0], port: o.port[0]!, noDelay: true });
    s.once("connect", () => resolve(s)).once("error", reject);
  });
}

async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // `socket` is a documented option that postgres.js's type definitions leave out.
  const options = { max: 10, onnotice: () => {}, connect_timeout: 10, socket: noDelaySocket };
  const client = postgres(url, options as Parameters<typeof postgres>[1]);
  const db = drizzle(client, { schema });
  // Several Kiln instances may start at once against one database: migrate under a
  // session lock, on one dedicated connection so the lock and the migration share it.
  const one = postgres(url, { ...(options as object), max: 1 } as Parameters<typeof postgres>[1]);
  try {
    await one`select pg_advisory_lock(hashtext('kiln.migrations'))`;
    await migrate(drizzle(one, { schema }), { migrationsFolder: MIGRATIONS });
  } finally {
    await one.end({ timeout: 5 });
  }
  return {
    kind: "postgres",
    db: db as unknown as Db,
    raw: { kind: "postgres", sql: client },
    ping: async () => void (await client`select 1`),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string | null, useTemplate = true): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const lock = dir ? lockPgliteDir(dir) : null; // before anything reads or writes the directory
  try {
    const template = dir && useTemplate ? pgliteTemplateFor(dir) : undefined;
    if (dir) fs.mkdirSync(dir, { recursive: true });
    const client = dir ? await PGlite.create(dir, template ? { loadDataDir: template } : {}) : await PGlite.create();
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: MIGRATIONS });
    return {
      kind: "pglite",
      db: db as unknown as Db,
      raw: { kind: "pglite", client },
      ping: async () => void (await db.execute(sql`select 1`)),
      close: () => client.close().finally(() => lock?.release()),
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

/** Opens the database and brings its schema up to date (idempotent). */
export function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url) : openPglite(target.dir, target.useTemplate);
}
