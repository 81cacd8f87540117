import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { freePort, type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";
import { makeNotebook, maxOverlap, toySpace, waitForSweep } from "../helpers/sweeps";

describe("a sweep's GPUs: 4 GPUs declared, quota 2", () => {
  const dir = tempDir("sweep-gpus");
  const inventory = path.join(dir, "..", `${path.basename(dir)}-gpus.json`);
  const adminToken = randomToken();
  let kiln: RunningKiln;
  beforeAll(async () => {
    // A declared inventory (KILN_GPU_INVENTORY): four GPUs on this host, which has none. Trials
    // run on the local spawner, which hands them CUDA_VISIBLE_DEVICES.
    const gpus = [0, 1, 2, 3].map((i) => ({ uuid: `GPU-0000000${i}-aaaa-bbbb-cccc-00000000000${i}`, model: "NVIDIA A100", memory_mb: 81920 }));
    fs.writeFileSync(inventory, JSON.stringify({ hosts: [{ name: os.hostname(), gpus }] }));
    kiln = await startKiln({ env: { KILN_DATA_DIR: dir, KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", KILN_GPU_INVENTORY: inventory } });
    expect((await call(kiln.url, "PATCH", "/api/images/python", { token: adminToken, body: { max_gpus: 4 } })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await kiln?.stop();
    fs.rmSync(inventory, { force: true });
  });

  test("never more than 2 trials with GPUs at once, whatever the parallel limit; the others wait, none fails", async () => {
    const s = { backend: "pglite" as const, url: kiln.url, adminToken };
    const alice = await makeUser(s, "swgpu");
    expect((await call(kiln.url, "PUT", `/api/gpu-quotas/user/${alice.name}`, { token: adminToken, body: { max_gpus: 2, max_gpu_hours: 100 } })).status).toBe(200);
    const nb = await makeNotebook(kiln.url, alice.token, 0.3);
    const created = await call(kiln.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: { notebook_id: nb, space: toySpace, objective: { metric: "loss" }, strategy: "random", seed: 2, budget: { max_trials: 6, max_parallel: 4 }, resources: { gpus: 1 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    let most = 0;
    let done: any;
    for (;;) {
      done = (await call(kiln.url, "GET", `/api/sweeps/${created.body.id}`, { token: alice.token })).body;
      const held = ((await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { held_by: string | null }[]).filter((g) => g.held_by?.startsWith("trial ")).length;
      most = Math.max(most, held);
      if (done.status !== "running") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.trials).toHaveLength(6);
    expect(done.trials.every((t: { status: string }) => t.status === "succeeded")).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
    // from the trials' own times: GPU trials overlapped at most 2 at a time (launch to end)
    expect(maxOverlap(done.trials.map((t: { launched_at: string; ended_at: string }) => ({ started_at: t.launched_at, ended_at: t.ended_at })))).toBeLessThanOrEqual(2);
    expect(done.trials.every((t: { gpu_seconds: number }) => t.gpu_seconds >= 0)).toBe(true);
  }, 180_000);
});

describe("a Kiln killed mid-sweep", () => {
  const dir = tempDir("sweep-kill");
  const env: Record<string, string> = { KILN_ADMIN_TOKEN: randomToken(), KILN_AUTH_RATE_LIMIT: "100000", KILN_DATA_DIR: dir };
  let kiln: RunningKiln;
  beforeAll(async () => {
    env.PORT = String(await freePort());
    kiln = await startKiln({ env });
  }, 120_000);
  afterAll(async () => {
    await kiln?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the next Kiln carries the sweep on: running trials' containers are re-adopted, none runs twice, the sweep ends with exactly its trials", async () => {
    const s = { backend: "pglite" as const, url: kiln.url, adminToken: env.KILN_ADMIN_TOKEN! };
    const alice = await makeUser(s, "swkill");
    const nb = await makeNotebook(kiln.url, alice.token, 0.3); // about 3 s a trial
    const created = await call(kiln.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: { notebook_id: nb, space: toySpace, objective: { metric: "loss" }, strategy: "tpe", seed: 4, budget: { max_trials: 6, max_parallel: 2 } },
    });
    expect(created.status).toBe(201);
    // kill it while a trial's container surely runs (launched a second ago; a trial takes about 3 s), some already done
    await waitForSweep(kiln.url, alice.token, created.body.id, (x) =>
      x.trials.some((t: { status: string }) => t.status === "succeeded") &&
      x.trials.some((t: { status: string; launched_at: string | null }) => t.status === "running" && t.launched_at && Date.now() - new Date(t.launched_at).getTime() > 1000));
    await kiln.stop("SIGKILL");
    kiln = await startKiln({ env, waitMs: 120_000 });
    const done = await waitForSweep(kiln.url, alice.token, created.body.id);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.trials.map((t: { number: number }) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(done.trials.every((t: { status: string }) => t.status === "succeeded"), JSON.stringify(done.trials)).toBe(true);
    // a trial whose container was running at the kill was followed again, not run again; one
    // caught before its container existed ran again as attempt 2 (nothing of it had run)
    expect(maxOverlap(done.trials)).toBeLessThanOrEqual(2);
    const runs = (await call(kiln.url, "GET", `/api/runs?kind=batch&limit=100`, { token: alice.token })).body.runs;
    expect(runs.filter((r: { status: string }) => r.status === "finished")).toHaveLength(6);
    expect(runs.filter((r: { status: string }) => r.status !== "finished").every((r: { status: string; error: string }) => r.status === "failed" && r.error.startsWith("Lost"))).toBe(true);
    // Each run beyond the six is a lost first attempt; a trial killed before its first
    // attempt made a run (claimed, nothing started) runs again with no lost run behind it.
    expect(runs.length - 6).toBeLessThanOrEqual(done.trials.filter((t: { attempt: number }) => t.attempt === 2).length);
    let adopted = 0;
    for (const t of done.trials) {
      const log = (await call(kiln.url, "GET", `/api/sweeps/${done.id}/trials/${t.number}/log`, { token: alice.token })).body.chunks.map((c: { data: string }) => c.data).join("");
      if (log.includes("Re-adopted by")) {
        adopted++;
        expect(t.attempt).toBe(1);
      }
    }
    expect(adopted).toBeGreaterThan(0);
  }, 240_000);
});
