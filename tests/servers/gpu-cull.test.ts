import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient } from "../helpers/jupyter";
import { ROOT, type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";
import { openEvents } from "../helpers/sse";

// The culler and GPUs: the fake nvidia-smi reports utilisation from a file. A server whose
// GPU sits at 0% is stopped after KILN_GPU_IDLE_TIMEOUT even with a kernel connected; one
// whose GPU works is left alone. Both hold a kernel WebSocket open through the proxy, which
// alone would keep any server from the general idle rule.
const GPU0 = "GPU-11111111-2222-3333-4444-555555555555";
const GPU1 = "GPU-66666666-7777-8888-9999-000000000000";
const utilFile = path.join(tempDir("gpu-util"), "util.csv");
const adminToken = randomToken();
let kiln: RunningKiln;
beforeAll(async () => {
  fs.writeFileSync(utilFile, `${GPU0}, 0\n${GPU1}, 0\n`);
  kiln = await startKiln({
    env: {
      KILN_DATA_DIR: tempDir("gpu-cull"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", KILN_GPUS: "nvidia-smi",
      KILN_GPU_IDLE_TIMEOUT: "3", KILN_SERVER_POLL_INTERVAL: "1", KILN_FAKE_GPU_UTIL: utilFile, LOG_LEVEL: "info", KILN_GPU_QUOTA_GRACE: "0.0005",
      PATH: `${path.join(ROOT, "tests/helpers/fake-bin")}:${process.env.PATH}`,
    },
  });
  expect((await call(kiln.url, "PATCH", "/api/images/python", { token: adminToken, body: { max_gpus: 2 } })).status).toBe(200);
});
afterAll(async () => kiln?.stop());

test("a server whose GPU stays at 0% is culled after KILN_GPU_IDLE_TIMEOUT with a kernel connected, naming the reason; one whose GPU works is kept", async () => {
  const server = { backend: "pglite" as const, url: kiln.url, adminToken };
  const idle = await makeUser(server, "cullidle");
  const busy = await makeUser(server, "cullbusy");
  await startServer(kiln.url, idle, "", { gpus: 1 });
  await startServer(kiln.url, busy, "", { gpus: 1 });
  const gpuOf = async (name: string) =>
    ((await call(kiln.url, "GET", "/api/gpus", { token: adminToken })).body.gpus as { uuid: string; held_by: string | null }[]).find((g) => g.held_by === `${name}/`)!.uuid;
  fs.writeFileSync(utilFile, `${await gpuOf(busy.name)}, 73\n${await gpuOf(idle.name)}, 0\n`);
  const kernels = [];
  for (const u of [idle, busy]) {
    const km = jupyterClient(kiln.url, u.name, u.token);
    kernels.push({ km, kernel: await km.startNew({ name: "python3" }) }); // a kernel WebSocket open through the proxy
  }
  const deadline = Date.now() + 60_000;
  while ((await call(kiln.url, "GET", `/hub/api/users/${idle.name}`, { token: idle.token })).body.servers[""]) {
    if (Date.now() > deadline) throw new Error("the idle GPU server was not culled");
    await new Promise((r) => setTimeout(r, 250));
  }
  // the culler's log names the reason
  const gone = kiln.output().split("\n").filter((l) => l.includes('"server gone"'));
  expect(gone.map((l) => JSON.parse(l).why)).toEqual(["its GPUs were at 0% for more than 3 s"]);
  // and its progress stream, read afterwards, ends with the stop (not the "ready" before it)
  const progress = openEvents(`${kiln.url}/hub/api/users/${idle.name}/server/progress`, idle.token);
  const end = await progress.until((e) => e.ready === true || e.failed === true, 10_000);
  progress.close();
  expect(end).toMatchObject({ failed: true, message: "Server stopped: its GPUs were at 0% for more than 3 s" });
  // the working one is still up (a few more polls went by) and keeps its GPU
  await new Promise((r) => setTimeout(r, 2500));
  expect((await call(kiln.url, "GET", `/hub/api/users/${busy.name}`, { token: busy.token })).body.servers[""]?.ready).toBe(true);
  expect(await gpuOf(busy.name)).toBeTruthy();
  for (const k of kernels) k.km.dispose();
  await call(kiln.url, "DELETE", `/hub/api/users/${busy.name}/server`, { token: busy.token });
}, 120_000);

test("a server whose user uses up the month's GPU-hours while it runs is warned at the quota and stopped past the grace, naming the quota", async () => {
  const server = { backend: "pglite" as const, url: kiln.url, adminToken };
  const ivy = await makeUser(server, "quotaivy");
  // 0.0005 GPU-hours is 1.8 s; the grace (KILN_GPU_QUOTA_GRACE) another 1.8 s
  expect((await call(kiln.url, "PUT", `/api/gpu-quotas/user/${ivy.name}`, { token: adminToken, body: { max_gpus: 1, max_gpu_hours: 0.0005 } })).status).toBe(200);
  fs.writeFileSync(utilFile, `${GPU0}, 90\n${GPU1}, 90\n`); // working: only the quota can stop it
  await startServer(kiln.url, ivy, "", { gpus: 1 });
  const km = jupyterClient(kiln.url, ivy.name, ivy.token);
  await km.startNew({ name: "python3" }); // connected: not idle either
  const deadline = Date.now() + 60_000;
  while ((await call(kiln.url, "GET", `/hub/api/users/${ivy.name}`, { token: ivy.token })).body.servers[""]) {
    if (Date.now() > deadline) throw new Error("the server over its GPU-hours was not stopped");
    await new Promise((r) => setTimeout(r, 250));
  }
  km.dispose();
  const lines = kiln.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const gone = lines.find((l) => l.msg === "server gone" && String(l.why).includes("GPU-hours"));
  expect(gone.why).toMatch(/your quota allows 0\.0005 GPU-hours a month; 0\.00 used, past the 0\.0005 h grace/);
  // it was warned first: its progress, read now, holds the warning before the stop
  const progress = openEvents(`${kiln.url}/hub/api/users/${ivy.name}/server/progress`, ivy.token);
  await progress.until((e) => e.failed === true, 10_000);
  progress.close();
  const messages = progress.events.map((e) => e.data.message as string);
  expect(messages.findIndex((m) => /^GPU-hours quota reached: .* of 0\.0005 used this month \(your quota\)/.test(m))).toBeGreaterThan(-1);
  expect(messages.at(-1)).toMatch(/^Server stopped: your quota allows 0\.0005 GPU-hours/);
  // and a new start is refused at once with the reason
  const again = await call(kiln.url, "POST", `/hub/api/users/${ivy.name}/server`, { token: ivy.token, body: { gpus: 1 } });
  expect(again.status).toBe(403);
  expect(again.body.error.message).toMatch(/allows 0\.0005 GPU-hours a month/);
}, 120_000);
