import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run, terminalSession } from "../helpers/jupyter";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// No Docker engine for this Kiln: DOCKER_HOST points nowhere and KILN_SPAWNER=local.
const adminToken = randomToken();
const dataDir = tempDir("local");
let kiln: RunningKiln;
beforeAll(async () => {
  kiln = await startKiln({
    env: { KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", DOCKER_HOST: "unix:///nonexistent/docker.sock" },
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
  // Its home is named by user id, not by a name that could be registered again.
  expect(await run(kernel, "import os; print(os.path.dirname(os.getcwd()))")).toBe(`${dataDir}/uhomes\n`);
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
  await startServer(kiln.url, u);
  const screen = await terminalSession(kiln.url, u.name, u.token, "echo local-$((6*7)) && pwd", "local-42");
  expect(screen).toMatch(new RegExp(`${dataDir}/uhomes/\\d+\r?\n`));
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 60_000);

test("Kiln runs as root, yet a user's kernel runs as an unprivileged uid of its own and cannot read KILN_DATA_DIR", async () => {
  expect(process.getuid?.()).toBe(0); // these machines run Kiln as root: the case that matters
  const [a, b] = [await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "localuid"), await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "localuid")];
  for (const u of [a, b]) await startServer(kiln.url, u);
  const ka = await jupyterClient(kiln.url, a.name, a.token).startNew({ name: "python3" });
  const kb = await jupyterClient(kiln.url, b.name, b.token).startNew({ name: "python3" });
  const uidA = Number((await run(ka, "import os; print(os.getuid())")).trim());
  const uidB = Number((await run(kb, "import os; print(os.getuid())")).trim());
  expect(uidA).toBeGreaterThan(0);
  expect(uidB).toBeGreaterThan(0);
  expect(uidA).not.toBe(uidB); // each user their own
  const attempts = `
import os
def attempt(f):
    try:
        f()
        return "read"
    except PermissionError:
        return "denied"
d = ${JSON.stringify(dataDir)}
print(attempt(lambda: os.listdir(d)), attempt(lambda: open(d + "/secret.key").read()), attempt(lambda: os.listdir(d + "/pglite")),
      attempt(lambda: os.listdir(d + "/blobs")), attempt(lambda: os.listdir(os.path.dirname(os.getcwd()))))
`;
  expect(await run(ka, attempts)).toBe("denied denied denied denied denied\n");
  // ... nor bob's home, next to hers
  expect(await run(ka, `import os\ntry:\n    os.listdir(${JSON.stringify(`${dataDir}/uhomes/`)} + str(${uidB} - ${uidA} + int(os.path.basename(os.getcwd()))))\n    print("read")\nexcept PermissionError:\n    print("denied")`)).toBe("denied\n");
  for (const u of [a, b]) await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 90_000);

test("KILN_BIND=0.0.0.0 with local servers and open sign-up: Kiln refuses to start, naming both variables; KILN_LOCAL_TRUSTED=1 lets it", async () => {
  const env = { KILN_DATA_DIR: tempDir("local-bind"), KILN_SPAWNER: "local", KILN_BIND: "0.0.0.0", KILN_SIGNUP: "open" };
  const refused = await startKiln({ env, waitMs: 60_000 }).then(
    async (k) => (await k.stop(), null),
    (e: Error) => e.message,
  );
  expect(refused).toMatch(/exited \(2\)/);
  expect(refused).toContain("KILN_BIND");
  expect(refused).toContain("KILN_SIGNUP");
  const trusted = await startKiln({ env: { ...env, KILN_LOCAL_TRUSTED: "1" } });
  expect((await fetch(`${trusted.url}/api/health`)).status).toBe(200);
  await trusted.stop();
}, 120_000);
