import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { containerOf, docker } from "../helpers/docker";
import { call, makeUser, startServer } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// A real image whose Jupyter never answers: the python image with `tini` shadowed by a
// script that sleeps (as a server stuck importing, or waiting on a dead mount, would).
const HANGS = "kiln-test/hangs:latest";
const LIMIT_S = 20;
const adminToken = randomToken();
let kiln: RunningKiln;
beforeAll(async () => {
  const dir = tempDir("hang");
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "bin", "tini"), "#!/bin/sh\nexec sleep 3600\n", { mode: 0o755 });
  execFileSync("tar", ["-C", path.join(dir, "bin"), "-cf", path.join(dir, "bin.tar"), "tini"]);
  const c = await docker.createContainer({ Image: "kiln/python:latest", Cmd: ["true"] });
  await c.putArchive(path.join(dir, "bin.tar"), { path: "/usr/local/bin" });
  await c.commit({ repo: "kiln-test/hangs", tag: "latest" });
  await c.remove();
  // Long enough for a real start on a busy machine (the second start below), which this
  // timeout bounds too: 5 s failed there under a load average of 15.
  kiln = await startKiln({ env: { KILN_DATA_DIR: tempDir("timeout"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWN_TIMEOUT: String(LIMIT_S) } });
  const r = await call(kiln.url, "POST", "/api/images/hangs", {
    token: adminToken, body: { reference: HANGS, default_cpu: 0.5, default_memory_mb: 256, max_cpu: 1, max_memory_mb: 512 },
  });
  expect(r.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await kiln?.stop();
  await docker.getImage(HANGS).remove({ force: true }).catch(() => {});
});

test("a start that does not become ready within KILN_SPAWN_TIMEOUT is cleaned up and reported", async () => {
  const u = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "slow");
  const t0 = Date.now();
  // Longer than the POST waits (10 s): answered pending; the failure comes on the progress stream.
  const r = await call(kiln.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: { image: "hangs" } });
  expect(r.status).toBe(202);
  const progress = await fetch(`${kiln.url}/hub/api/users/${u.name}/server/progress`, { headers: { authorization: `token ${u.token}` } });
  const text = await progress.text(); // the stream ends with the start's end
  expect(text).toMatch(/"failed":true/);
  expect(text).toContain(`did not become ready within ${LIMIT_S} s`);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(LIMIT_S * 1000);
  expect(Date.now() - t0).toBeLessThan((LIMIT_S + 15) * 1000);
  expect(await containerOf(u.name)).toBeNull(); // nothing left running
  expect((await call(kiln.url, "GET", "/hub/api/user", { token: u.token })).body.servers).toEqual({});
  // The failure stays readable where a UI that looks later looks for it.
  const later = await (await fetch(`${kiln.url}/hub/api/users/${u.name}/server/progress`, { headers: { authorization: `token ${u.token}` } })).text();
  expect(later).toContain(`did not become ready within ${LIMIT_S} s`);
  // and the user can start a working server right after
  await startServer(kiln.url, u);
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 150_000);
