import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { expect, test } from "vitest";
import { openDatabase } from "../../lib/db/open";
import { PGLITE_TEMPLATE } from "../../lib/db/template";

async function schemaOf(useTemplate: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-tpl-"));
  const d = await openDatabase({ kind: "pglite", dir: path.join(dir, "db"), useTemplate });
  try {
    const r = await d.db.execute(sql`select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' order by 1, 2`);
    const migrations = await d.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return { columns: (r as unknown as { rows: unknown[] }).rows, migrations: (migrations as unknown as { rows: unknown[] }).rows };
  } finally {
    await d.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("a first start from the build's PGlite template has exactly the schema initdb + migrations give", async () => {
  expect(fs.existsSync(PGLITE_TEMPLATE), "npm test builds the template before the suite").toBe(true);
  const [fromTemplate, fromInitdb] = await Promise.all([schemaOf(true), schemaOf(false)]);
  expect(fromTemplate.columns.length).toBeGreaterThan(20);
  expect(fromTemplate).toEqual(fromInitdb);
}, 60_000);
