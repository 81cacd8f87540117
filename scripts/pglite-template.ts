/**
 * Builds a migrated, empty PGlite data directory as a gzipped tarball. A first start loads
 * it instead of running initdb, which costs ~5 s on these machines (see ARCHITECTURE.md).
 * Run by scripts/lib.mjs after `next build`; the file is a cache, never committed.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { PGLITE_TEMPLATE } from "../lib/db/template";

const client = await PGlite.create();
await migrate(drizzle(client), { migrationsFolder: path.resolve("drizzle") });
const dump = await client.dumpDataDir("gzip");
await client.close();
fs.mkdirSync(path.dirname(PGLITE_TEMPLATE), { recursive: true });
fs.writeFileSync(PGLITE_TEMPLATE + ".tmp", Buffer.from(await dump.arrayBuffer()));
fs.renameSync(PGLITE_TEMPLATE + ".tmp", PGLITE_TEMPLATE);
