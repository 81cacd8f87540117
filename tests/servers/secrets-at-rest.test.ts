import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, expect, test } from "vitest";
import { containerOf, removeInstance } from "../helpers/docker";
import { call, makeUser, signedInUser, startServer } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";
import { createTempDatabase, dropDatabase } from "../helpers/pg";

// What someone who got hold of a copy of the database learns: no server's Jupyter token,
// no session secret (ARCHITECTURE.md, "Secrets at rest").
const adminToken = randomToken();
const instance = `atrest-${randomToken().slice(0, 8)}`;
const dataDir = tempDir("atrest");
let db: { name: string; url: string };
let kiln: RunningKiln;

beforeAll(async () => {
  db = await createTempDatabase("atrest");
  kiln = await startKiln({ env: { DATABASE_URL: db.url, KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance } });
}, 120_000);
afterAll(async () => {
  await kiln?.stop();
  await removeInstance(instance);
  if (db) await dropDatabase(db.name);
});

test("a database dump holds neither a server's Jupyter token nor the session secret; the key is a 0600 file outside the database", async () => {
  const u = await makeUser({ backend: "postgres", url: kiln.url, adminToken }, "atrest");
  await startServer(kiln.url, u);
  await signedInUser(kiln.url, "atrestweb"); // a session signed with the generated secret
  const env = (await containerOf(u.name, "", instance))!.Config.Env;
  const jupyterToken = env.find((e) => e.startsWith("JUPYTER_TOKEN="))!.slice("JUPYTER_TOKEN=".length);
  expect(jupyterToken).toMatch(/^[0-9a-f]{64}$/);

  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    // Every table, as text: what a dump would hold.
    const tables = await sql<{ table_name: string }[]>`select table_name from information_schema.tables where table_schema = 'public'`;
    let dump = "";
    for (const { table_name } of tables) dump += JSON.stringify(await sql.unsafe(`select * from "${table_name}"`));
    expect(dump).not.toContain(jupyterToken);
    const [server] = await sql<{ state: { jupyterToken: string } }[]>`select state from servers`;
    expect(server!.state.jupyterToken).toMatch(/^enc:v1:/);
    const [secret] = await sql<{ value: string }[]>`select value from settings where key = 'session_secret'`;
    expect(String(secret!.value)).toMatch(/^"?enc:v1:/);
  } finally {
    await sql.end();
  }
  const key = fs.statSync(path.join(dataDir, "secret.key"));
  expect(key.mode & 0o777).toBe(0o600);

  // Kiln itself still reads them: the proxy reaches the server with the token it decrypts.
  expect((await call(kiln.url, "GET", `/user/${u.name}/api/status`, { token: u.token })).status).toBe(200);
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 120_000);
