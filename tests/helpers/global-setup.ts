import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createTempDatabase, dropDatabase } from "./pg";

async function removeContainers(instance: string) {
  const { removeInstance } = await import("./docker");
  await removeInstance(instance);
}
import { type RunningKiln, randomToken, startKiln, TEMP_LIST_ENV, tempDir } from "./kiln";

export interface TestServer {
  backend: "pglite" | "postgres";
  url: string;
  adminToken: string;
  /** The server's KILN_DATA_DIR (its blob store is `blobs/` inside). */
  dataDir?: string;
  /** PostgreSQL's URL, for a test that starts a second Kiln on the same database. */
  databaseUrl?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    servers: TestServer[];
  }
}

/**
 * One Kiln server per database backend, shared by the HTTP and browser suites (each test
 * makes its own users). Both run the production build, as `npm start` does.
 */
export default async function setup(project: TestProject) {
  // Every Kiln this run starts labels its containers with this; teardown removes what is left.
  const instance = `test-${randomToken().slice(0, 10)}`;
  process.env.KILN_INSTANCE_NAME = instance;
  // Every tempDir of this run, whichever worker made it, is listed here (workers inherit the variable).
  const tempList = path.join(os.tmpdir(), `kiln-temp-dirs-${instance}.txt`);
  process.env[TEMP_LIST_ENV] = tempList;
  const adminToken = randomToken();
  const dir = tempDir("suite");
  const db = await createTempDatabase("suite");
  // KILN_SERVING_UNLOAD_AFTER: versions no endpoint routes to are unloaded after a second, for the serving tests to see;
  // two serving processes (more than the default here), so they see their requests spread, counted and routed as one
  const common = { KILN_ADMIN_TOKEN: adminToken, KILN_AUTH_RATE_LIMIT: "100000", KILN_SERVING_UNLOAD_AFTER: "1", KILN_SERVING_PROCESSES: "2" };
  const running: RunningKiln[] = [];
  try {
    const track = (k: Promise<RunningKiln>) => k.then((r) => (running.push(r), r));
    const [pglite, pg] = await Promise.all([
      track(startKiln({ env: { ...common, KILN_DATA_DIR: dir } })),
      track(startKiln({ env: { ...common, KILN_DATA_DIR: dir + "-pg", DATABASE_URL: db.url } })),
    ]);
    project.provide("servers", [
      { backend: "pglite", url: pglite.url, adminToken, dataDir: dir },
      { backend: "postgres", url: pg.url, adminToken, dataDir: dir + "-pg", databaseUrl: db.url },
    ]);
  } catch (e) {
    await Promise.all(running.map((k) => k.stop()));
    await dropDatabase(db.name);
    throw e;
  }
  return async () => {
    await Promise.all(running.map((k) => k.stop()));
    await removeContainers(instance);
    await dropDatabase(db.name);
    fs.rmSync(dir + "-pg", { recursive: true, force: true });
    // The data directories of every test's servers (tempDir, this one's included), now nothing runs in them.
    const made = fs.existsSync(tempList) ? fs.readFileSync(tempList, "utf8").split("\n").filter(Boolean) : [];
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    fs.rmSync(tempList, { force: true });
  };
}
