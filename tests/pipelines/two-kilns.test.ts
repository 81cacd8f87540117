import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { docker } from "../helpers/docker";
import { call, makeUser } from "../helpers/http";
import { freePort, type RunningKiln, randomToken, startKiln, tempDir, uniq } from "../helpers/kiln";
import { stepLog, waitForRun } from "../helpers/pipelines";

const pg = inject("servers").find((s) => s.backend === "postgres")!;

describe("two Kilns on one PostgreSQL", () => {
  let second: RunningKiln;
  beforeAll(async () => {
    // The same database, data directory (blobs, at-rest key) and admin token as the suite's PostgreSQL Kiln.
    second = await startKiln({ env: { KILN_ADMIN_TOKEN: pg.adminToken, KILN_AUTH_RATE_LIMIT: "100000", DATABASE_URL: pg.databaseUrl!, KILN_DATA_DIR: pg.dataDir! } });
  }, 120_000);
  afterAll(async () => {
    await second?.stop();
  });

  test("a cron schedule in a time zone fires on time, each tick one pipeline run across both processes; paused, it stops", async () => {
    const alice = await makeUser(pg, "cron");
    const created = await call(pg.url, "POST", "/api/pipelines", { token: alice.token, body: { name: uniq("cron"), definition: { steps: [{ name: "tick", code: 'print("tick")' }] } } });
    const id = created.body.id;
    // every 3 seconds (a sixth field, seconds first), in Paris
    const sched = await call(second.url, "POST", `/api/pipelines/${id}/schedules`, { token: alice.token, body: { cron: "*/3 * * * * *", timezone: "Europe/Paris" } });
    expect(sched.status, JSON.stringify(sched.body)).toBe(201);
    expect(sched.body).toMatchObject({ kind: "cron", timezone: "Europe/Paris", paused: false });
    let runs: any[] = [];
    while (runs.length < 4) {
      runs = (await call(pg.url, "GET", `/api/pipelines/${id}/runs`, { token: alice.token })).body.runs;
      await new Promise((r) => setTimeout(r, 200));
    }
    const paused = await call(pg.url, "PATCH", `/api/pipelines/${id}/schedules/${sched.body.id}`, { token: alice.token, body: { paused: true } });
    expect(paused.body.paused).toBe(true);
    runs = (await call(pg.url, "GET", `/api/pipelines/${id}/runs`, { token: alice.token })).body.runs;
    const ticks = runs.map((r) => r.trigger.tick as string);
    expect(new Set(ticks).size).toBe(runs.length); // never two runs for one tick
    for (const r of runs) {
      expect(r.trigger).toMatchObject({ kind: "schedule", schedule_id: sched.body.id });
      expect(new Date(r.trigger.tick).getUTCSeconds() % 3).toBe(0);
      // on time: started within a few seconds of its tick, never before it
      const late = new Date(r.created_at).getTime() - new Date(r.trigger.tick).getTime();
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(5000);
    }
    for (const r of runs) expect((await waitForRun(pg.url, alice.token, r.id)).status).toBe("succeeded");
    const after = (await call(pg.url, "GET", `/api/pipelines/${id}/runs`, { token: alice.token })).body.runs.length;
    // paused: the ticks after it start nothing (wait for the schedule's next tick to have passed)
    const next = Date.now() + 4000;
    while (Date.now() < next) await new Promise((r) => setTimeout(r, 250));
    expect((await call(pg.url, "GET", `/api/pipelines/${id}/runs`, { token: alice.token })).body.runs.length).toBe(after);
  }, 180_000);
});

describe("a Kiln killed in the middle of a step", () => {
  const dir = tempDir("kill");
  const env: Record<string, string> = { KILN_ADMIN_TOKEN: randomToken(), KILN_AUTH_RATE_LIMIT: "100000", KILN_DATA_DIR: dir };
  let kiln: RunningKiln;
  beforeAll(async () => {
    env.PORT = String(await freePort()); // the next Kiln answers where this one did
    kiln = await startKiln({ env });
  }, 120_000);
  afterAll(async () => {
    await kiln?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the next Kiln takes the step over: a container still running is adopted and the attempt finishes; one that is gone is retried, never two at once; the run page says which", async () => {
    const s = { backend: "pglite" as const, url: kiln.url, adminToken: env.KILN_ADMIN_TOKEN! };
    const alice = await makeUser(s, "kill");
    const created = await call(s.url, "POST", "/api/pipelines", {
      token: alice.token,
      body: { name: "survivor", definition: { steps: [{ name: "long", code: 'import os, time\nprint("attempt", os.environ["KILN_STEP_ATTEMPT"], "started", flush=True)\ntime.sleep(4)\nkiln.log_metric("after_restart", 1)\nprint("done")' }] } },
    });
    const killDuring = async () => {
      const run = (await call(kiln.url, "POST", `/api/pipelines/${created.body.id}/runs`, { token: alice.token, body: {} })).body;
      while (!(await stepLog(kiln.url, alice.token, run.id, "long")).includes("attempt 1 started")) await new Promise((r) => setTimeout(r, 100));
      const first = (await call(kiln.url, "GET", `/api/pipeline-runs/${run.id}`, { token: alice.token })).body.steps[0];
      await kiln.stop("SIGKILL");
      return { run, first };
    };

    // 1. The container ran on while no Kiln did: the next one follows it to its end.
    const a = await killDuring();
    kiln = await startKiln({ env, waitMs: 120_000 });
    const adopted = await waitForRun(kiln.url, alice.token, a.run.id);
    expect(adopted.status).toBe("succeeded");
    expect(adopted.steps[0].attempts.map((x: { status: string }) => x.status)).toEqual(["succeeded"]);
    expect(adopted.steps[0].run_id).toBe(a.first.run_id);
    const log = await stepLog(kiln.url, alice.token, a.run.id, "long");
    expect(log).toContain("Re-adopted by");
    expect(log).toContain("done"); // printed while no Kiln ran: replayed from the container's output
    expect(log.match(/attempt 1 started/g)).toHaveLength(1); // what the first Kiln had stored is not doubled
    expect(log).not.toContain("attempt 2");
    // its kiln module reached the new Kiln (it waited for the socket while none listened)
    expect((await call(kiln.url, "GET", `/api/runs/${a.first.run_id}`, { token: alice.token })).body.metrics.after_restart.last).toBe(1);

    // 2. The container went with its machine: the step runs again, after the old one is gone.
    const b = await killDuring();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`org.kiln.run-id=${b.first.run_id}`] } })) await docker.getContainer(c.Id).remove({ force: true });
    kiln = await startKiln({ env, waitMs: 120_000 });
    const second = await waitForRun(kiln.url, alice.token, b.run.id, (r) => r.steps[0].attempt === 2 && r.steps[0].status === "running" && r.steps[0].run_id !== null);
    expect(second.steps[0].run_id).not.toBe(b.first.run_id);
    const retried = await waitForRun(kiln.url, alice.token, b.run.id);
    expect(retried.status).toBe("succeeded");
    expect(retried.steps[0].attempts.map((x: { status: string }) => x.status)).toEqual(["lost", "succeeded"]);
    expect(retried.steps[0].attempts[0].error).toMatch(/^Lost: the Kiln running attempt 1 stopped/);
    expect((await call(kiln.url, "GET", `/api/runs/${b.first.run_id}`, { token: alice.token })).body).toMatchObject({ status: "failed", error: expect.stringContaining("Lost") });
    expect(await stepLog(kiln.url, alice.token, b.run.id, "long")).toContain("attempt 2 started");
  }, 300_000);
});
