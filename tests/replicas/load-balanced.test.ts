import postgres from "postgres";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { uniq } from "../helpers/kiln";
import { waitForRun } from "../helpers/pipelines";
import { type Replicas, replicaHolding, serverIdOf as serverIdIn, startReplicas } from "../helpers/replicas";
import { openEvents } from "../helpers/sse";

// Two Kiln replicas on one PostgreSQL behind nginx (round-robin, no stickiness): any replica
// answers any request, and the work done in the background runs on one of them at a time.
const IDLE_S = 8;
let r: Replicas;
let sql: postgres.Sql;
const holderOf = (name: string) => replicaHolding(r, sql, name);
const serverIdOf = (user: string) => serverIdIn(sql, user);
beforeAll(async () => {
  r = await startReplicas({
    count: 2,
    // info: the culler's and the blob sweep's log lines are counted below
    env: { LOG_LEVEL: "info", KILN_SERVER_POLL_INTERVAL: "1", KILN_IDLE_TIMEOUT: String(IDLE_S), KILN_BLOB_SWEEP_INTERVAL: "3" },
  });
  sql = postgres(r.databaseUrl, { max: 1, onnotice: () => {} });
}, 300_000);
afterAll(async () => {
  await sql?.end();
  await r?.stop();
});

const admin = () => ({ backend: "postgres" as const, url: r.url, adminToken: r.adminToken });
const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 200));
  }
};
/** Every JSON log line both replicas printed with this message. */
const logLines = (msg: string) =>
  r.replicas.flatMap((k) =>
    k.output().split("\n").flatMap((l) => {
      try {
        const j = JSON.parse(l);
        return j.msg === msg ? [j] : [];
      } catch {
        return [];
      }
    }),
  );

test("through the load balancer every request is answered whichever replica gets it: a user, their token, their server starting (progress seen on the other replica) and code run through /user/", async () => {
  const upstreams = new Set<string>();
  const seen = async <T>(p: Promise<{ headers: Headers } & T>) => {
    const res = await p;
    upstreams.add(res.headers.get("x-kiln-upstream") ?? "");
    return res;
  };
  const alice = await makeUser(admin(), "lb");
  for (let i = 0; i < 4; i++) expect((await seen(call(r.url, "GET", "/hub/api/user", { token: alice.token }))).status).toBe(200);
  expect(upstreams.size).toBe(2); // round-robin: both replicas answered, and both knew the token

  // Started on one replica, its progress read on the other (relayed through PostgreSQL).
  const started = await call(r.replicas[0]!.url, "POST", `/hub/api/users/${alice.name}/server`, { token: alice.token, body: {} });
  expect([201, 202]).toContain(started.status);
  const events = openEvents(`${r.replicas[1]!.url}/hub/api/users/${alice.name}/server/progress`, alice.token);
  try {
    await events.until((d) => d.ready === true, 90_000);
    expect(events.events.some((e) => e.data.message === "Server requested")).toBe(true); // not only the database's "ready"
  } finally {
    events.close();
  }
  await until("the user model says ready, through nginx", async () => (await call(r.url, "GET", `/hub/api/users/${alice.name}`, { token: alice.token })).body.servers?.[""]?.ready === true);

  const km = jupyterClient(r.url, alice.name, alice.token);
  try {
    const kernel = await km.startNew({ name: "python3" });
    expect(await run(kernel, "x = 41")).toBe("");
    for (let i = 0; i < 3; i++) expect(await run(kernel, "print(x + 1)")).toBe("42\n");
    // The REST API of the same server through either replica
    for (let i = 0; i < 4; i++) expect((await seen(call(r.url, "GET", `/user/${alice.name}/api/kernels`, { token: alice.token }))).body.some((k: { id: string }) => k.id === kernel.id)).toBe(true);
    await kernel.shutdown();
  } finally {
    km.dispose();
  }
}, 240_000);

test("with two replicas the culler culls an idle server once, and not while its only client is connected to the other replica", async () => {
  const bob = await makeUser(admin(), "cull");
  await startServer(r.url, bob);
  const id = await serverIdOf(bob.name);
  const holder = await holderOf("server-watch");
  expect(holder).toBeGreaterThanOrEqual(0);
  const other = r.replicas[1 - holder]!;
  // A kernel WebSocket through the replica that does not cull: the culler must see it all the same.
  const km = jupyterClient(other.url, bob.name, bob.token);
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "print('here')")).toBe("here\n");
  const connectedAt = Date.now();
  await until("three idle timeouts with the client connected", async () => {
    expect(await serverIdOf(bob.name)).toBe(id); // never culled meanwhile
    return Date.now() - connectedAt > 3 * IDLE_S * 1000;
  }, 120_000);
  km.dispose(); // the client goes: the server is idle from here
  await until("the idle server culled", async () => (await serverIdOf(bob.name)) === undefined, 120_000);
  await until("both replicas' logs read", () => logLines("server gone").some((l) => l.server === id));
  expect(logLines("server idle: culling").filter((l) => l.server === id)).toHaveLength(1);
  expect(logLines("server gone").filter((l) => l.server === id)).toHaveLength(1);
}, 300_000);

test("with two replicas each cron tick starts one pipeline run, and each blob sweep runs on one replica", async () => {
  const carol = await makeUser(admin(), "cron");
  const created = await call(r.url, "POST", "/api/pipelines", { token: carol.token, body: { name: uniq("cron"), definition: { steps: [{ name: "tick", code: 'print("tick")' }] } } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const sched = await call(r.url, "POST", `/api/pipelines/${created.body.id}/schedules`, { token: carol.token, body: { cron: "*/2 * * * * *", timezone: "UTC" } });
  expect(sched.status, JSON.stringify(sched.body)).toBe(201);
  let runs: { id: number; trigger: { tick: string } }[] = [];
  await until("three ticks", async () => (runs = (await call(r.url, "GET", `/api/pipelines/${created.body.id}/runs`, { token: carol.token })).body.runs).length >= 3, 120_000);
  await call(r.url, "PATCH", `/api/pipelines/${created.body.id}/schedules/${sched.body.id}`, { token: carol.token, body: { paused: true } });
  runs = (await call(r.url, "GET", `/api/pipelines/${created.body.id}/runs`, { token: carol.token })).body.runs;
  expect(new Set(runs.map((x) => x.trigger.tick)).size).toBe(runs.length); // never two runs for one tick
  for (const x of runs) expect((await waitForRun(r.url, carol.token, x.id)).status).toBe("succeeded");

  // KILN_BLOB_SWEEP_INTERVAL=3: sweeps at least 3 s apart, whichever replica ran each.
  const before = logLines("blob sweep").length;
  await until("three more blob sweeps", () => logLines("blob sweep").length >= before + 3, 60_000);
  const times = logLines("blob sweep").map((l) => l.time as number).sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(2500);
}, 300_000);
