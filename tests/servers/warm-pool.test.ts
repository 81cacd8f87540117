import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { releaseMountPoint } from "@/lib/spawners/host-mount";
import { docker, homeVolumeOf, removeInstance } from "../helpers/docker";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// Its own Kiln with a pool of one `python` container; its own instance name, so the pool's
// containers are told apart from every other test's.
const adminToken = randomToken();
const dataDir = tempDir("pool");
const instance = `pool-${Math.random().toString(36).slice(2, 8)}`;
let kiln: RunningKiln;
const admin = { backend: "pglite" as const, url: "", adminToken };

const poolContainers = async () =>
  (await docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${instance}`, "org.kiln.pool-slot"] } })).filter((c) =>
    c.Names.some((n) => new RegExp(`^/${instance}-[0-9a-f]{6}-pool-`).test(n)),
  );
/**
 * The pool container a user's server was claimed from: renamed to the server's id-based name,
 * it keeps its pool labels (Docker cannot relabel). One claimed server at a time in this file.
 */
async function claimedContainer() {
  const claimed = (await docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${instance}`, "org.kiln.pool-slot"] } })).filter(
    (c) => !c.Names.some((n) => new RegExp(`^/${instance}-[0-9a-f]{6}-pool-`).test(n)),
  );
  return claimed.length ? docker.getContainer(claimed[0]!.Id).inspect() : null;
}
const poolDir = path.join(dataDir, "pool");
/** Slot directories with something mounted on them, on this (the engine's) host. */
const mountedSlots = () =>
  new Set(fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" ")[4] ?? "").filter((p) => p.startsWith(`${poolDir}/`)).map((p) => path.basename(p)));
/** Slots that have a container, claimed or not. */
const liveSlots = async () =>
  new Set((await docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${instance}`, "org.kiln.pool-slot"] } })).map((c) => c.Labels["org.kiln.pool-slot"]!));
const poolReady = async () => (await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.warm_pool[0]?.ready;
async function untilPoolReady() {
  const deadline = Date.now() + 90_000;
  while ((await poolReady()) !== 1) {
    if (Date.now() > deadline) {
      const logs = await Promise.all((await poolContainers()).map(async (c) => (await docker.getContainer(c.Id).logs({ stdout: true, stderr: true })).toString()));
      throw new Error(`the warm pool did not fill within 90 s:\n${kiln.output()}\npool containers:\n${logs.join("\n---\n")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  kiln = await startKiln({ env: { KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance, KILN_WARM_POOL: "python=1" } });
  admin.url = kiln.url;
  await untilPoolReady();
}, 150_000);
afterAll(async () => {
  await kiln?.stop();
  await removeInstance(instance);
  for (const slot of mountedSlots()) await releaseMountPoint(path.join(poolDir, slot));
});

test("a start is served from the warm pool: the user's container, limits, environment and home, and the pool refills", async () => {
  const alice = await makeUser(admin, "poolalice");
  const [pooled] = await poolContainers();
  const t0 = performance.now();
  const r = await call(kiln.url, "POST", `/hub/api/users/${alice.name}/server`, { token: alice.token, body: { cpu: 0.5, memory: "1G" } });
  expect(r.status).toBe(201);
  expect(performance.now() - t0).toBeLessThan(3000); // a cold start takes about 2 s here; a claim a few hundred ms

  // The pool's container became alice's: renamed, limited as she asked.
  const c = (await claimedContainer())!;
  expect(c.Id).toBe(pooled!.Id);
  expect(c.Name).toMatch(new RegExp(`^/${instance}-[0-9a-f]{6}-s\\d+$`)); // named by the server's id
  expect(c.HostConfig.NetworkMode).toBe("none"); // a pooled container has no network either
  expect(c.HostConfig.Memory).toBe(1024 * 1024 * 1024);
  expect(c.HostConfig.NanoCpus).toBe(0.5e9);
  expect(c.Config.User).toBe("1000:1000");

  // Through the proxy, as any server: the kernel is in her home with her environment.
  const km = jupyterClient(kiln.url, alice.name, alice.token);
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "import os; print(os.getcwd(), os.environ.get('KILN_USER'))")).toBe(`/home/jovyan ${alice.name}\n`);
  // The kernel's working directory is the mounted home, not the directory it covers.
  const sameDir = await run(kernel, "print(os.stat('.').st_ino == os.stat('/home/jovyan').st_ino)");
  if (sameDir !== "True\n") console.error((await docker.getContainer(c.Id).logs({ stdout: true, stderr: true })).toString());
  expect(sameDir).toBe("True\n");
  await run(kernel, "open('relative.txt', 'w').write('from the pool')");
  const loc = await fetch(`${kiln.url}/user/${alice.name}/api/kernels`, {
    method: "POST", headers: { authorization: `token ${alice.token}` }, body: JSON.stringify({ name: "python3" }),
  });
  expect(loc.headers.get("location")).toMatch(new RegExp(`^/user/${alice.name}/api/kernels/`)); // the pool's base URL never leaks
  km.dispose();

  // Her home is her volume: the file is there on the engine's host.
  const { Mountpoint } = await docker.getVolume((await homeVolumeOf(alice.name, instance))!.Name).inspect();
  expect(fs.readFileSync(path.join(Mountpoint, "relative.txt"), "utf8")).toBe("from the pool");

  // The pool refills while she works.
  await untilPoolReady();

  // Stop: container gone, the host mount released; start again (from the pool): the file is back.
  expect((await call(kiln.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token })).status).toBe(204);
  expect(await claimedContainer()).toBeNull();
  expect(mountedSlots()).toEqual(await liveSlots()); // her slot's mounts went with her container
  await startServer(kiln.url, alice);
  const km2 = jupyterClient(kiln.url, alice.name, alice.token);
  const k2 = await km2.startNew({ name: "python3" });
  const again = await run(k2, "import os; print(os.stat('.').st_ino == os.stat('/home/jovyan').st_ino, os.listdir('.'))");
  if (!again.startsWith("True")) {
    const c2 = (await claimedContainer())!;
    console.error("POOLDIAG", again, (await docker.getContainer(c2.Id).logs({ stdout: true, stderr: true })).toString(), kiln.output());
  }
  expect(await run(k2, "print(open('relative.txt').read())")).toBe("from the pool\n");
  km2.dispose();
  await call(kiln.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
}, 180_000);

test("bob cannot reach alice's pooled server; a request the pool cannot serve starts cold", async () => {
  await untilPoolReady();
  const alice = await makeUser(admin, "poolalice2");
  const bob = await makeUser(admin, "poolbob");
  await startServer(kiln.url, alice);
  expect((await call(kiln.url, "GET", `/user/${alice.name}/api/status`, { token: bob.token })).status).toBe(403);
  // The pool is empty until it refills: bob's start is an ordinary cold one, and works.
  const r = await call(kiln.url, "POST", `/hub/api/users/${bob.name}/servers/second`, { token: bob.token, body: {} });
  expect([201, 202]).toContain(r.status);
  for (const [u, s] of [[alice, ""], [bob, "second"]] as const)
    await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server${s ? `s/${s}` : ""}`, { token: u.token });
}, 120_000);

test("stopping Kiln removes the unclaimed pool containers and their mounts; users' servers keep running", async () => {
  await untilPoolReady();
  const carol = await makeUser(admin, "poolcarol");
  await startServer(kiln.url, carol);
  await untilPoolReady();
  await kiln.stop();
  expect(await poolContainers()).toEqual([]);
  expect((await claimedContainer())?.State.Running).toBe(true);
  // Carol's home stays mounted for her running server; nothing else is left under the pool directory.
  expect(mountedSlots()).toEqual(await liveSlots());
  kiln = await startKiln({ env: { KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance, KILN_WARM_POOL: "python=1", PORT: String(kiln.port) } });
  const km = jupyterClient(kiln.url, carol.name, carol.token);
  const k = await km.startNew({ name: "python3" });
  expect(await run(k, "print(1+1)")).toBe("2\n");
  km.dispose();
  await call(kiln.url, "DELETE", `/hub/api/users/${carol.name}/server`, { token: carol.token });
  expect(mountedSlots()).toEqual(await liveSlots());
}, 180_000);
