import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { ROOT, type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";
import { stepLog, waitForRun } from "../helpers/pipelines";

// No GPU exists here: tests/helpers/fake-bin/nvidia-smi declares two, as the real tool
// answers. Steps run on the local spawner, which hands the granted devices to the step in
// CUDA_VISIBLE_DEVICES (what CUDA reads); Docker's DeviceRequests are the server tests'.
const GPU0 = "GPU-11111111-2222-3333-4444-555555555555";
const GPU1 = "GPU-66666666-7777-8888-9999-000000000000";
const adminToken = randomToken();
let kiln: RunningKiln;
beforeAll(async () => {
  kiln = await startKiln({
    env: {
      KILN_DATA_DIR: tempDir("gpu-steps"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", KILN_GPUS: "nvidia-smi",
      PATH: `${path.join(ROOT, "tests/helpers/fake-bin")}:${process.env.PATH}`,
    },
  });
  expect((await call(kiln.url, "PATCH", "/api/images/python", { token: adminToken, body: { max_gpus: 2 } })).status).toBe(200);
});
afterAll(async () => kiln?.stop());

const holders = async () =>
  ((await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { held_by: string | null }[]).map((g) => g.held_by);

test("steps get their GPUs from the allocator (holder kind step), wait for them when taken, give them back, and stay within the owner's quota", async () => {
  const admin = { backend: "pglite" as const, url: kiln.url, adminToken };
  const alice = await makeUser(admin, "gpustep");
  const code = 'import os, time\nprint("devices", os.environ["CUDA_VISIBLE_DEVICES"], flush=True)\ntime.sleep(1.5)';
  const created = await call(kiln.url, "POST", "/api/pipelines", {
    token: alice.token,
    body: { name: "two-gpu-steps", definition: { steps: [{ name: "a", code, resources: { gpus: 2 } }, { name: "b", code, resources: { gpus: 2 } }] } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const started = (await call(kiln.url, "POST", `/api/pipelines/${created.body.id}/runs`, { token: alice.token, body: {} })).body;
  // while one step runs it holds both GPUs
  const printed = async () => (await stepLog(kiln.url, alice.token, started.id, "a")) + (await stepLog(kiln.url, alice.token, started.id, "b"));
  while (!(await printed()).includes("devices")) await new Promise((r) => setTimeout(r, 100));
  expect((await holders()).every((h) => h?.startsWith("step "))).toBe(true);
  const run = await waitForRun(kiln.url, alice.token, started.id);
  expect(run.status, JSON.stringify(run.steps)).toBe("succeeded");
  for (const s of ["a", "b"]) expect(await stepLog(kiln.url, alice.token, run.id, s)).toContain(`devices ${GPU0},${GPU1}`);
  // two steps of two GPUs each on a machine of two: one after the other, never together
  const [a, b] = run.steps.map((s: { attempts: { launched_at: string; ended_at: string }[] }) => s.attempts[0]!);
  const [first, second] = new Date(a.launched_at) < new Date(b.launched_at) ? [a, b] : [b, a];
  expect(new Date(second.launched_at).getTime()).toBeGreaterThanOrEqual(new Date(first.ended_at).getTime() - 50);
  expect(await holders()).toEqual([null, null]);
  // the tracked runs say which devices they had
  const tracked = (await call(kiln.url, "GET", `/api/runs/${run.steps[0].run_id}`, { token: alice.token })).body;
  expect(tracked.resources).toMatchObject({ gpus: 2, gpu_ids: [GPU0, GPU1] });

  // over quota: the step fails, saying why, and holds nothing
  expect((await call(kiln.url, "PUT", `/api/gpu-quotas/user/${alice.name}`, { token: adminToken, body: { max_gpus: 1, max_gpu_hours: 100 } })).status).toBe(200);
  const over = await waitForRun(kiln.url, alice.token, (await call(kiln.url, "POST", `/api/pipelines/${created.body.id}/runs`, { token: alice.token, body: {} })).body.id);
  expect(over.status).toBe("failed");
  expect(over.steps[0].error).toMatch(/quota/i);
  expect(await holders()).toEqual([null, null]);
}, 120_000);
