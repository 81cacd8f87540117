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

test("each local server has a network namespace of its own: from bob's kernel, alice's kernel ports, PostgreSQL and Kiln are refused; his kiln module still reaches Kiln through its socket", async () => {
  const [alice, bob] = [await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "netalice"), await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "netbob")];
  for (const u of [alice, bob]) await startServer(kiln.url, u);
  const ka = await jupyterClient(kiln.url, alice.name, alice.token).startNew({ name: "python3" });
  const alicePorts: number[] = JSON.parse(await run(ka, `
import json
from ipykernel.kernelapp import IPKernelApp
info = json.load(open(IPKernelApp.instance().connection_file))
print(json.dumps(sorted(v for k, v in info.items() if k.endswith("_port"))))`));
  expect(alicePorts.length).toBe(5);
  const kb = await jupyterClient(kiln.url, bob.name, bob.token).startNew({ name: "python3" });
  const kilnPort = Number(new URL(kiln.url).port);
  const out = JSON.parse(await run(kb, `
import json, os, socket
def reach(port):
    s = socket.socket(); s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port)); return "open"
    except OSError as e:
        return type(e).__name__
    finally:
        s.close()
rows = [l.split() for l in open("/proc/net/tcp").read().splitlines()[1:]]
import kiln
kiln.log_metric("isolated", 1.0, step=1); kiln.flush()
print(json.dumps({"pg": reach(5432), "kiln": reach(${kilnPort}), "alice": {p: reach(p) for p in ${JSON.stringify(alicePorts)}},
  "listening": sorted({int(r[1].split(":")[1], 16) for r in rows if r[3] == "0A"}), "uids": sorted({int(r[7]) for r in rows}),
  "ifaces": sorted(os.listdir("/sys/class/net")), "via": os.environ.get("KILN_API_SOCKET", "")}))`));
  expect(out.pg).toBe("ConnectionRefusedError"); // PostgreSQL listens on the host's loopback, not this one
  expect(out.kiln).toBe("ConnectionRefusedError");
  // A port of alice's can by chance be one bob's own namespace listens on: that reaches bob.
  for (const p of alicePorts) if (!out.listening.includes(p)) expect(out.alice[String(p)], `alice's port ${p}`).toBe("ConnectionRefusedError");
  expect(out.listening).not.toContain(5432);
  expect(out.listening).not.toContain(kilnPort);
  expect(out.uids.every((u: number) => u === 0 || u > 1_000_000)).toBe(true); // only his own processes' sockets (0: closing ones)
  expect(out.via).toMatch(/\/run\/s\d+\/api\/kiln\.sock$/);
  // The metric went through the socket into bob's run for that kernel.
  await expect
    .poll(async () => (await call(kiln.url, "GET", "/api/runs", { token: bob.token })).body.runs.some((r: { metrics: Record<string, unknown> }) => r.metrics.isolated), { timeout: 20_000 })
    .toBe(true);
  const iso = await call(kiln.url, "GET", "/api/isolation", { token: adminToken });
  expect(iso.body).toMatchObject({ spawner: "local", network: "none", pids_limit: null });
  await ka.shutdown();
  await kb.shutdown();
  for (const u of [alice, bob]) await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 120_000);

test("a local server outlives a Kiln restart, and the new Kiln listens on its kiln module's socket again", async () => {
  const env = { KILN_DATA_DIR: tempDir("local-restart"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", DOCKER_HOST: "unix:///nonexistent/docker.sock" };
  let first: RunningKiln | null = await startKiln({ env });
  const u = await makeUser({ backend: "pglite", url: first.url, adminToken }, "localre");
  await startServer(first.url, u);
  const k1 = await jupyterClient(first.url, u.name, u.token).startNew({ name: "python3" });
  const pid = Number((await run(k1, "import os; print(os.getppid())")).trim());
  await first.stop();
  first = null;
  expect(alive(pid)).toBe(true); // Jupyter kept running while Kiln was down
  const second = await startKiln({ env });
  try {
    const k2 = await jupyterClient(second.url, u.name, u.token).startNew({ name: "python3" });
    expect(Number((await run(k2, "import os; print(os.getppid())")).trim())).toBe(pid); // the same server, adopted
    expect(await run(k2, "import kiln; kiln.log_metric('after_restart', 2.0, step=1); kiln.flush(); print('sent')")).toBe("sent\n");
    await expect
      .poll(async () => (await call(second.url, "GET", "/api/runs", { token: u.token })).body.runs.some((r: { metrics: Record<string, unknown> }) => r.metrics.after_restart), { timeout: 20_000 })
      .toBe(true);
    await call(second.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  } finally {
    await second.stop();
  }
}, 150_000);

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
