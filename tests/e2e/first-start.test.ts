import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, expect, test } from "vitest";
import { removeInstance } from "../helpers/docker";
import { call, signIn } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { freePort, type RunningKiln, startKiln, tempDir } from "../helpers/kiln";
import { openEvents } from "../helpers/sse";

// A newcomer's machine: Docker answers but Kiln's default image is not in the engine. The
// README's `npm start`, sign up, Start server: the progress says the image is being built,
// then a kernel answers; nothing run by hand. (Kiln's layer is removed, not the Debian base
// under it: rebuilding that takes minutes and is the same code path.)
const dataDir = tempDir("first-start");
const instance = `first-${Math.random().toString(36).slice(2, 8)}`;
let kiln: RunningKiln | undefined;
afterAll(async () => {
  await kiln?.stop();
  await removeInstance(instance);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// Runs alone (scripts/test.mjs): it takes the shared engine's kiln/python away.
const images = () => spawnSync("docker", ["images", "kiln/python", "--format", "{{.Repository}}:{{.Tag}}"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);

test("with the default image missing, npm start and a first Start server build it, show it in the progress, and a kernel answers", async () => {
  for (const tag of images()) spawnSync("docker", ["rmi", "-f", tag], { stdio: "ignore" });
  expect(images()).toEqual([]);

  kiln = await startKiln({
    command: ["npm", "start", "--silent"],
    env: { PORT: String(await freePort()), KILN_DATA_DIR: dataDir, KILN_INSTANCE_NAME: instance, LOG_LEVEL: "info", DATABASE_URL: "" },
  });
  const email = "newcomer@example.com";
  const password = "a newcomer's password";
  const signup = await call(kiln.url, "POST", "/api/auth/signup", { body: { email, password } });
  expect(signup.status).toBe(201);
  const { cookie } = await signIn(kiln.url, email, password);
  const own = { cookie, origin: kiln.url };
  const name = signup.body.name as string;
  const token = (await call(kiln.url, "POST", `/hub/api/users/${name}/tokens`, { headers: own, body: {} })).body.token as string;

  const start = await call(kiln.url, "POST", `/hub/api/users/${name}/server`, { headers: own, body: {} });
  expect([201, 202], JSON.stringify(start.body)).toContain(start.status);
  const progress = openEvents(`${kiln.url}/hub/api/users/${name}/server/progress`, token); // (it replays what came before)
  const ready = await progress.until((e) => e.ready === true || e.failed === true, 300_000);
  progress.close();
  const messages = progress.events.map((e) => e.data.message as string);
  expect(ready.ready, messages.join(" | ")).toBe(true);
  // Kiln begins the default image's build at start-up: a quick rebuild of Kiln's layer can be
  // done before the newcomer clicks, and then there is nothing left to wait for. Either way
  // it was this Kiln that built it (this test runs alone: no other Kiln is up to build it).
  const saidBuilding = messages.some((m) => /Building the image python/.test(m));
  const builtAtStartUp = /building an image Kiln needs/.test(kiln.output());
  expect(saidBuilding || builtAtStartUp, `${messages.join(" | ")}\n${kiln.output().slice(-2000)}`).toBe(true);
  expect(images()).toContain("kiln/python:latest");

  const km = jupyterClient(kiln.url, name, token);
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "print(1+1)")).toBe("2\n");
  km.dispose();
  await call(kiln.url, "DELETE", `/hub/api/users/${name}/server`, { token });
}, 360_000);
