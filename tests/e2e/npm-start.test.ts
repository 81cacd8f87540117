import fs from "node:fs";
import { afterAll, expect, test } from "vitest";
import { call, signIn } from "../helpers/http";
import { freePort, type RunningKiln, startKiln, tempDir } from "../helpers/kiln";

const dataDir = tempDir("npm-start");
const running: RunningKiln[] = [];
afterAll(async () => {
  await Promise.all(running.map((k) => k.stop()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// `npm start` exactly as the README says, with PORT overriding 3000 and the embedded PGlite.
async function npmStart(port: number) {
  const k = await startKiln({
    command: ["npm", "start", "--silent"],
    env: { PORT: String(port), KILN_DATA_DIR: dataDir, LOG_LEVEL: "info", DATABASE_URL: "" },
  });
  running.push(k);
  return k;
}

test("npm start serves Kiln on PORT with PGlite, and users and tokens survive a restart", async () => {
  const port = await freePort();
  const first = await npmStart(port);
  expect(first.output()).toContain(`Kiln is up: open http://localhost:${port}/signin`);
  const health = await call(first.url, "GET", "/api/health");
  expect(health.body).toMatchObject({ status: "ok", db: "ok", backend: "pglite" });

  const password = "a long enough password";
  const signup = await call(first.url, "POST", "/api/auth/signup", { body: { email: "first@example.com", password } });
  expect(signup.status).toBe(201);
  expect(signup.body.admin).toBe(true); // the first account on an instance becomes admin
  const session = await signIn(first.url, "first@example.com", password);
  const token = await call(first.url, "POST", `/hub/api/users/${signup.body.name}/tokens`, {
    headers: { cookie: session.cookie, origin: first.url },
    body: { note: "kept" },
  });
  expect(token.status).toBe(201);

  await first.stop("SIGTERM");
  expect(first.output()).toContain("kiln stopped cleanly");
  // Neither the password nor the token appears in anything Kiln printed.
  expect(first.output()).not.toContain(password);
  expect(first.output()).not.toContain(token.body.token);

  const second = await npmStart(port);
  const me = await call(second.url, "GET", "/hub/api/user", { token: token.body.token });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ name: signup.body.name, admin: true });
  expect((await signIn(second.url, "first@example.com", password)).ok).toBe(true);
  // the old session cookie is still valid: the signing secret was kept in the database
  expect((await call(second.url, "GET", "/hub/api/user", { headers: { cookie: session.cookie } })).body.name).toBe(signup.body.name);
}, 120_000);
