import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { jupyterClient, run, terminalSession } from "../helpers/jupyter";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// No Docker engine for this Kiln: DOCKER_HOST points nowhere and KILN_SPAWNER=local.
const adminToken = randomToken();
let kiln: RunningKiln;
beforeAll(async () => {
  kiln = await startKiln({
    env: { KILN_DATA_DIR: tempDir("local"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", DOCKER_HOST: "unix:///nonexistent/docker.sock" },
  });
});
afterAll(async () => kiln?.stop());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("KILN_SPAWNER=local without Docker: the same kernel test passes, and stopping ends the process", async () => {
  const u = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "local");
  const r = await call(kiln.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: {} });
  expect(r.status, JSON.stringify(r.body) + kiln.output()).toBe(201);
  const km = jupyterClient(kiln.url, u.name, u.token);
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "import numpy; print(numpy.arange(3).sum())")).toBe("3\n");
  expect(await run(kernel, "import os; print(os.getcwd().endswith('/homes/' + os.environ['KILN_USER']))")).toBe("True\n");
  // Kiln's own secrets are not in the server's environment
  expect(await run(kernel, "import os; print(sorted(k for k in os.environ if 'ADMIN' in k or 'DATABASE' in k))")).toBe("[]\n");
  const pid = Number((await run(kernel, "import os; print(os.getppid())")).trim());
  expect(alive(pid)).toBe(true);
  km.dispose();
  expect((await call(kiln.url, "GET", `/user/${u.name}/api/status`, { token: u.token })).status).toBe(200);
  expect((await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token })).status).toBe(204);
  await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
}, 90_000);

test("a terminal on a local server, through the proxy, starts in the user's working directory", async () => {
  const u = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "localterm");
  expect((await call(kiln.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: {} })).status).toBe(201);
  const screen = await terminalSession(kiln.url, u.name, u.token, "echo local-$((6*7)) && pwd", "local-42");
  expect(screen).toContain(`/homes/${u.name}`);
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 60_000);
