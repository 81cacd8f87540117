import { afterAll, beforeAll, expect, test } from "vitest";
import { containerOf, docker } from "../helpers/docker";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// Its own Kiln: this file stops and restarts the process.
const adminToken = randomToken();
const dataDir = tempDir("lifecycle");
let kiln: RunningKiln;
const env = { KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken };
beforeAll(async () => {
  kiln = await startKiln({ env });
});
afterAll(async () => {
  await kiln?.stop();
  for (const c of await docker.listContainers({ all: true, filters: { label: ["org.kiln.managed=true"] } }))
    if (c.Names.some((n) => n.includes("keeper") || n.includes("victim"))) await docker.getContainer(c.Id).remove({ force: true });
});

test("Kiln restarts while a server runs: the server is still ready and the same kernel still answers", async () => {
  const server = { backend: "pglite" as const, url: kiln.url, adminToken };
  const u = await makeUser(server, "keeper");
  await startServer(kiln.url, u);
  const km = jupyterClient(kiln.url, u.name, u.token);
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "x = 41")).toBe("");
  const before = (await containerOf(u.name))!.Id;
  km.dispose();

  await kiln.stop();
  expect((await containerOf(u.name))?.State.Running).toBe(true); // nothing killed
  kiln = await startKiln({ env: { ...env, PORT: String(kiln.port) } });

  const me = await call(kiln.url, "GET", "/hub/api/user", { token: u.token });
  expect(me.body.servers[""]).toMatchObject({ ready: true });
  expect((await containerOf(u.name))!.Id).toBe(before);
  const km2 = jupyterClient(kiln.url, u.name, u.token);
  const same = km2.connectTo({ model: { id: kernel.id, name: "python3" } });
  expect(await run(same, "print(x + 1)")).toBe("42\n");
  await same.shutdown();
  km2.dispose();
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 120_000);

test("a container killed behind Kiln's back is reported stopped within 30 s", async () => {
  const server = { backend: "pglite" as const, url: kiln.url, adminToken };
  const u = await makeUser(server, "victim");
  await startServer(kiln.url, u);
  await docker.getContainer((await containerOf(u.name))!.Id).kill();
  const t0 = Date.now();
  await expect
    .poll(async () => (await call(kiln.url, "GET", "/hub/api/user", { token: u.token })).body.servers, { timeout: 30_000, interval: 500 })
    .toEqual({});
  expect(Date.now() - t0).toBeLessThan(30_000);
  expect((await call(kiln.url, "GET", `/user/${u.name}/api/status`, { token: u.token })).status).toBe(404);
}, 60_000);

test("an idle server is culled; one with a busy kernel is kept", async () => {
  // An 8 s idle timeout leaves room for a slow start on a loaded machine: the busy kernel is
  // running before the idle server even starts, so only the idle one can cross the line.
  const culling = await startKiln({ env: { KILN_DATA_DIR: tempDir("cull"), KILN_ADMIN_TOKEN: adminToken, KILN_IDLE_TIMEOUT: "8", KILN_SERVER_POLL_INTERVAL: "1", LOG_LEVEL: "info" } });
  try {
    const server = { backend: "pglite" as const, url: culling.url, adminToken };
    const idle = await makeUser(server, "idler");
    const busy = await makeUser(server, "busy");
    await startServer(culling.url, busy);
    const km = jupyterClient(culling.url, busy.name, busy.token);
    const kernel = await km.startNew({ name: "python3" });
    // a long, silent computation: no request crosses the proxy, yet the kernel is busy
    const future = kernel.requestExecute({ code: "import time\ntime.sleep(20)" });
    const started = new Promise<void>((resolve) => {
      future.onIOPub = (m) => {
        if (m.header.msg_type === "execute_input") resolve();
      };
    });
    const work = future.done.catch(() => undefined);
    await started;
    await startServer(culling.url, idle);
    await expect
      .poll(async () => (await call(culling.url, "GET", "/hub/api/user", { token: idle.token })).body.servers, { timeout: 30_000, interval: 500 })
      .toEqual({});
    expect(await containerOf(idle.name)).toBeNull();
    const busyServers = (await call(culling.url, "GET", "/hub/api/user", { token: busy.token })).body.servers;
    expect(busyServers[""]?.ready, `busy server gone; Kiln said:\n${culling.output().split("\n").filter((l) => /server gone|warn|error|culling/.test(l)).join("\n")}`).toBe(true);
    expect((await containerOf(busy.name))?.State.Running).toBe(true);
    await work;
    expect(await run(kernel, "print('still here')")).toBe("still here\n");
    km.dispose();
    await call(culling.url, "DELETE", `/hub/api/users/${busy.name}/server`, { token: busy.token });
  } finally {
    await culling.stop();
  }
}, 90_000);
