import { Writable } from "node:stream";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { pgTable, text } from "drizzle-orm/pg-core";
import pino from "pino";
import postgres from "postgres";
import { describe, expect, test } from "vitest";
import { serializeErr } from "../../lib/log";
import { PG_ADMIN_URL } from "../helpers/pg";

// A failed sign-up's INSERT, as both drivers report it: the values must never reach a log line.
const accounts = pgTable("log_test_accounts", { email: text("email").primaryKey(), hash: text("hash").notNull() });
const CREATE = "create temporary table log_test_accounts (email text primary key, hash text not null)";
const EMAIL = "carol.secret@example.org";
const HASH = "scrypt$32768$8$4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

/** What Kiln's logger would write for `{ err }`, through pino itself. */
function logLine(err: unknown): string {
  let out = "";
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
  pino({ serializers: { err: serializeErr } }, sink).error({ err }, "unhandled error");
  return out;
}

async function duplicateInsert(db: ReturnType<typeof drizzlePglite> | ReturnType<typeof drizzlePostgres>): Promise<unknown> {
  await db.insert(accounts).values({ email: EMAIL, hash: HASH });
  return db.insert(accounts).values({ email: EMAIL, hash: HASH }).then(() => null, (e: unknown) => e);
}

describe("the log's err serializer", () => {
  test.each(["pglite", "postgres"] as const)("a failed query on %s is logged with its SQL and message, without its values", async (backend) => {
    let err: unknown;
    if (backend === "pglite") {
      const client = await PGlite.create();
      await client.exec(CREATE);
      err = await duplicateInsert(drizzlePglite(client));
      await client.close();
    } else {
      const sql = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(CREATE);
      err = await duplicateInsert(drizzlePostgres(sql));
      await sql.end();
    }
    expect(err).toBeInstanceOf(Error);
    expect(JSON.stringify(Object.getOwnPropertyNames(err).map((k) => (err as Record<string, unknown>)[k]))).toContain(EMAIL); // the driver does carry them
    const line = logLine(err);
    expect(line).not.toContain(EMAIL);
    expect(line).not.toContain(HASH);
    expect(line).not.toContain("carol.secret");
    const logged = JSON.parse(line).err;
    expect(logged.message).toMatch(/^Failed query: insert into "log_test_accounts"/);
    expect(logged.query).toMatch(/insert into "log_test_accounts" \("email", "hash"\) values \(\$1, \$2\)/);
    expect(logged.stack).toContain("at ");
    expect(JSON.stringify(logged.cause)).toMatch(/duplicate key value violates unique constraint/);
    expect(logged.cause.code).toBe("23505");
  });

  test("other errors are logged as pino logs them: type, message, stack, their own fields", () => {
    const e = Object.assign(new TypeError("boom"), { code: "E_BOOM" });
    const logged = JSON.parse(logLine(e)).err;
    expect(logged).toMatchObject({ type: "TypeError", message: "boom", code: "E_BOOM" });
    expect(logged.stack).toMatch(/^TypeError: boom\n/);
  });
});
