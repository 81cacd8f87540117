import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { containerSpec } from "@/lib/spawners/docker-container";
import { prepareRunDirs } from "@/lib/spawners/run-dirs";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { docker } from "../helpers/docker";
import { openEvents } from "../helpers/sse";
import { ROOT, type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// No GPU exists here: tests/helpers/fake-bin/nvidia-smi declares two, answering as the real
// tool does. Local servers get the granted devices in CUDA_VISIBLE_DEVICES, which is exactly
// what CUDA reads; containers get them as Docker DeviceRequests (the spec the spawner builds,
// created on the real engine and read back with docker inspect, but not started: this
// engine has no NVIDIA runtime to start them with).
const GPU0 = "GPU-11111111-2222-3333-4444-555555555555";
const GPU1 = "GPU-66666666-7777-8888-9999-000000000000";
const adminToken = randomToken();
let kiln: RunningKiln;
const env = {
  KILN_DATA_DIR: tempDir("gpus"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", KILN_GPUS: "nvidia-smi",
  PATH: `${path.join(ROOT, "tests/helpers/fake-bin")}:${process.env.PATH}`,
};
beforeAll(async () => {
  kiln = await startKiln({ env });
  // the catalog's python image allows no GPUs by default; an admin allows two
  expect((await call(kiln.url, "PATCH", "/api/images/python", { token: adminToken, body: { max_gpus: 2 } })).status).toBe(200);
});
afterAll(async () => kiln?.stop());

const holders = async () =>
  Object.fromEntries(
    ((await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { id: string; held_by: string | null }[]).map((g) => [g.id, g.held_by]),
  );

test("GPUs are granted from the declared inventory, never twice, and given back when a server stops", async () => {
  const admin = { backend: "pglite" as const, url: kiln.url, adminToken };
  const alice = await makeUser(admin, "gpualice");
  const bob = await makeUser(admin, "gpubob");
  expect(await holders()).toEqual({ [GPU0]: null, [GPU1]: null });

  const r = await call(kiln.url, "POST", `/hub/api/users/${alice.name}/server`, { token: alice.token, body: { gpus: 1 } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.user_options.gpus).toBe(1);
  const km = jupyterClient(kiln.url, alice.name, alice.token);
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "import os; print(os.environ['CUDA_VISIBLE_DEVICES'])")).toBe(`${GPU0}\n`);
  km.dispose();
  expect(await holders()).toEqual({ [GPU0]: `${alice.name}/`, [GPU1]: null });

  // Two asked, one free, "wait": false: 409 naming the field; more than the machine has: 400.
  const busy = await call(kiln.url, "POST", `/hub/api/users/${bob.name}/server`, { token: bob.token, body: { gpus: 2, wait: false } });
  expect(busy.status).toBe(409);
  expect(busy.body.error).toMatchObject({ field: "gpus" });
  expect(busy.body.error.message).toMatch(/1 of 2 free/);
  const tooMany = await call(kiln.url, "POST", `/hub/api/users/${bob.name}/server`, { token: bob.token, body: { gpus: 3 } });
  expect(tooMany.status).toBe(400); // the image's maximum (2) speaks first
  expect((await call(kiln.url, "GET", "/hub/api/user", { token: bob.token })).body.servers).toEqual({}); // nothing half-started

  // The other device goes to bob; a server with none sees none.
  await startServer(kiln.url, bob, "", { gpus: 1 });
  await startServer(kiln.url, bob, "cpu");
  const kb = jupyterClient(kiln.url, bob.name, bob.token, "cpu");
  const kcpu = await kb.startNew({ name: "python3" });
  expect(await run(kcpu, "import os; print(repr(os.environ.get('CUDA_VISIBLE_DEVICES')))")).toBe("''\n");
  kb.dispose();
  expect(await holders()).toEqual({ [GPU0]: `${alice.name}/`, [GPU1]: `${bob.name}/` });

  // alice stops: her device is free again.
  expect((await call(kiln.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token })).status).toBe(204);
  expect(await holders()).toEqual({ [GPU0]: null, [GPU1]: `${bob.name}/` });
  for (const s of ["server", "servers/cpu"]) await call(kiln.url, "DELETE", `/hub/api/users/${bob.name}/${s}`, { token: bob.token });
}, 120_000);

test("a start that cannot have its GPUs now is queued, says its place in the progress, and starts once they free", async () => {
  const admin = { backend: "pglite" as const, url: kiln.url, adminToken };
  const carol = await makeUser(admin, "gpucarol");
  const dave = await makeUser(admin, "gpudave");
  await startServer(kiln.url, carol, "", { gpus: 1 });
  const r = await call(kiln.url, "POST", `/hub/api/users/${dave.name}/server`, { token: dave.token, body: { gpus: 2 } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const progress = openEvents(`${kiln.url}/hub/api/users/${dave.name}/server/progress`, dave.token);
  await progress.until((e) => e.message === "Queued for GPU: position 1 of 1", 30_000);
  expect(await holders()).toEqual({ [GPU0]: `${carol.name}/`, [GPU1]: null }); // nothing held for dave while he waits
  // carol stops: dave gets both and his server starts
  expect((await call(kiln.url, "DELETE", `/hub/api/users/${carol.name}/server`, { token: carol.token })).status).toBe(204);
  const ready = await progress.until((e) => e.ready === true || e.failed === true, 60_000);
  progress.close();
  expect(ready.ready, JSON.stringify(progress.events.map((e) => e.data.message))).toBe(true);
  expect(await holders()).toEqual({ [GPU0]: `${dave.name}/`, [GPU1]: `${dave.name}/` });
  await call(kiln.url, "DELETE", `/hub/api/users/${dave.name}/server`, { token: dave.token });
  expect(await holders()).toEqual({ [GPU0]: null, [GPU1]: null });
}, 120_000);

/** The local server processes of a user (their environment names them), to kill one behind Kiln's back. */
function serverPids(user: string): number[] {
  return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`KILN_USER=${user}`);
    } catch {
      return false;
    }
  });
}

test("Kiln killed while GPUs are held and a start waits: after a restart the live holder keeps its GPU, the dead one's is freed, and the queue moves", async () => {
  const admin = { backend: "pglite" as const, url: kiln.url, adminToken };
  const erin = await makeUser(admin, "gpuerin");
  const frank = await makeUser(admin, "gpufrank");
  const gina = await makeUser(admin, "gpugina");
  await startServer(kiln.url, erin, "", { gpus: 1 });
  await startServer(kiln.url, frank, "", { gpus: 1 });
  const queued = await call(kiln.url, "POST", `/hub/api/users/${gina.name}/server`, { token: gina.token, body: { gpus: 1 } });
  expect(queued.status).toBe(202);
  const before = await holders();

  await kiln.stop("SIGKILL");
  for (const pid of serverPids(frank.name)) {
    try {
      process.kill(pid, "SIGKILL"); // frank's server dies while Kiln is down
    } catch {
      /* gone with its group */
    }
  }
  kiln = await startKiln({ env });

  // gina's start carries on from the queue and gets frank's GPU; erin keeps hers
  const deadline = Date.now() + 60_000;
  while (!(await call(kiln.url, "GET", `/hub/api/users/${gina.name}`, { token: gina.token })).body.servers?.[""]?.ready) {
    if (Date.now() > deadline) throw new Error(`gina's queued start did not resume: ${JSON.stringify(await holders())}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const after = await holders();
  const erinsGpu = Object.keys(before).find((g) => before[g] === `${erin.name}/`)!;
  const franksGpu = Object.keys(before).find((g) => before[g] === `${frank.name}/`)!;
  expect(after).toEqual({ [erinsGpu]: `${erin.name}/`, [franksGpu]: `${gina.name}/` });
  for (const u of [erin, gina]) await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 180_000);

test("a run on a server with a GPU shows that GPU and its GPU-seconds within the run", async () => {
  const hal = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "gpuhal");
  await startServer(kiln.url, hal, "", { gpus: 1 });
  const nb = await call(kiln.url, "POST", "/api/notebooks", { token: hal.token, body: { name: "gpu run", cells: [{ id: "c", cell_type: "code", source: "", metadata: {} }] } });
  const t0 = Date.now();
  expect([200, 201, 202]).toContain((await call(kiln.url, "POST", `/api/notebooks/${nb.body.id}/execute`, { token: hal.token, body: { cell_id: "c", code: "import time; time.sleep(2)" } })).status);
  let runId = 0;
  for (let i = 0; !runId && i < 100; i++) {
    runId = (await call(kiln.url, "GET", `/api/runs?notebook_id=${nb.body.id}`, { token: hal.token })).body.runs[0]?.id ?? 0;
    if (!runId) await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const run = (await call(kiln.url, "GET", `/api/runs/${runId}`, { token: hal.token })).body;
  const elapsed = (Date.now() - t0) / 1000;
  expect(run.gpus).toHaveLength(1);
  expect(run.gpus[0]).toMatchObject({ uuid: run.resources.gpu_ids[0], model: "NVIDIA A100-SXM4-80GB" });
  // the run began after the GPU was granted: its GPU-seconds are the run's own lifetime so far
  expect(run.gpus[0].gpu_seconds).toBeGreaterThan(1.5);
  expect(run.gpus[0].gpu_seconds).toBeLessThanOrEqual(elapsed + 1);
  await call(kiln.url, "DELETE", `/hub/api/users/${hal.name}/server`, { token: hal.token });
}, 120_000);

test("bob cannot see the machine's capacity", async () => {
  const bob = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "gpunosy");
  expect((await call(kiln.url, "GET", "/api/capacity", { token: bob.token })).status).toBe(403);
});

test("the container the DockerSpawner creates (on the real engine, not started: no NVIDIA runtime here), read back with docker inspect, carries exactly its granted devices", async () => {
  const run = prepareRunDirs("s1", { uid: 1000, gid: 1000 }, tempDir("gpu-run")); // the engine checks bind sources
  const plan = { network: "none", socketMode: "0600", run, baseUrl: "/user/a/", jupyterToken: "t", env: {}, labels: { "org.kiln.test": "gpus" }, cpu: 1, memoryMb: 1024 } as const;
  const tag = Math.random().toString(36).slice(2, 8);
  const inspect = async (name: string, gpuIds: string[]) => {
    const c = await docker.createContainer(containerSpec({ ...plan, name, image: "kiln/python:latest", gpuIds, home: { Type: "volume", Source: `kiln-test-gpus-${tag}` } }));
    try {
      return await c.inspect();
    } finally {
      await c.remove({ force: true, v: true });
    }
  };
  const granted = await inspect(`kiln-test-gpu-${tag}`, [GPU1, GPU0]);
  expect(granted.HostConfig.DeviceRequests).toEqual([{ Driver: "nvidia", Count: 0, DeviceIDs: [GPU1, GPU0], Capabilities: [["gpu"]], Options: null }]);
  expect(granted.Config.Env).toContain(`NVIDIA_VISIBLE_DEVICES=${GPU1},${GPU0}`);
  expect(granted.Config.Env).toContain(`CUDA_VISIBLE_DEVICES=${GPU1},${GPU0}`);
  const none = await inspect(`kiln-test-nogpu-${tag}`, []);
  expect(none.HostConfig.DeviceRequests ?? []).toEqual([]);
  expect(none.Config.Env.some((e) => e.startsWith("NVIDIA_VISIBLE_DEVICES") || e.startsWith("CUDA_VISIBLE_DEVICES=GPU"))).toBe(false);
  await docker.getVolume(`kiln-test-gpus-${tag}`).remove();
});
