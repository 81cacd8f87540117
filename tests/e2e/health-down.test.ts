import { afterAll, expect, test } from "vitest";
import { call } from "../helpers/http";
import { type RunningKiln, startKiln, tempDir } from "../helpers/kiln";
import { createTempDatabase, dropDatabase } from "../helpers/pg";

let kiln: RunningKiln | undefined;
afterAll(async () => void (await kiln?.stop()));

test("GET /api/health answers 503 with db unavailable when PostgreSQL goes away", async () => {
  const db = await createTempDatabase("health");
  kiln = await startKiln({ env: { DATABASE_URL: db.url, KILN_DATA_DIR: tempDir("health") } });
  expect((await call(kiln.url, "GET", "/api/health")).status).toBe(200);
  await dropDatabase(db.name); // terminates Kiln's connections and removes the database
  const r = await call(kiln.url, "GET", "/api/health");
  expect(r.status).toBe(503);
  expect(r.body).toMatchObject({ status: "error", db: "unavailable" });
  // API routes say so too, as JSON, without leaking driver errors
  const api = await call(kiln.url, "GET", "/hub/api/user", { token: "kiln_whatever" });
  expect(api.status).toBeGreaterThanOrEqual(500);
  expect(JSON.stringify(api.body)).not.toMatch(/database .* does not exist|postgres/i);
});
