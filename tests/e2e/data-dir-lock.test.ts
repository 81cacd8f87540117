import { afterAll, expect, test } from "vitest";
import { call } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

/**
 * A second Kiln on the same KILN_DATA_DIR (with the embedded PGlite) refuses to start, naming
 * the directory and the Kiln that has it, before it touches the database: two of them both
 * wrote its WAL, and after the next crash the database could not be opened at all. A Kiln
 * that was killed leaves its lock behind; the next one takes it over.
 */
const dataDir = tempDir("data-dir-lock");
const adminToken = randomToken();
const env = { KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken, DATABASE_URL: "" };
const running: RunningKiln[] = [];
afterAll(async () => {
  await Promise.all(running.map((k) => k.stop()));
});

async function start(): Promise<RunningKiln> {
  const k = await startKiln({ env });
  running.push(k);
  return k;
}

test("a second Kiln on a data directory in use is refused, names the first, and harms nothing; a killed Kiln's lock is taken over", async () => {
  const first = await start();
  expect((await call(first.url, "POST", "/hub/api/users/kept", { token: adminToken })).status).toBe(201);

  const refused = await start().then(() => "started", (e: Error) => e.message);
  expect(refused).toContain("Kiln exited (2)");
  expect(refused).toContain("KILN_DATA_DIR");
  expect(refused).toContain(`in use by another Kiln (pid ${first.proc.pid})`);
  expect((await call(first.url, "GET", "/hub/api/users/kept", { token: adminToken })).status).toBe(200);

  expect(await first.stop("SIGKILL")).toBe(null);
  const next = await start(); // the lock's holder is gone: taken over
  expect((await call(next.url, "GET", "/hub/api/users/kept", { token: adminToken })).status).toBe(200);
  expect(await next.stop("SIGTERM")).toBe(0);
  const after = await start(); // released on a clean stop
  expect((await call(after.url, "GET", "/hub/api/users/kept", { token: adminToken })).status).toBe(200);
}, 180_000);
