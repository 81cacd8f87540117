import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { subscribeEvents } from "../helpers/sse";

// Every run an experiment: real kernels in the user's container, the `kiln` module in them.
const s = inject("servers")[0]!;
let alice: { name: string; token: string };
let bob: { name: string; token: string };
beforeAll(async () => {
  [alice, bob] = await Promise.all([makeUser(s, "runs"), makeUser(s, "runsb")]);
  await startServer(s.url, alice);
}, 60_000);
afterAll(async () => {
  if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
});

const as = (token: string) => ({ token });
async function notebook(name: string, sources: string[], tags: Record<number, string[]> = {}) {
  const cells = sources.map((source, i) => ({ id: `c${i}`, cell_type: "code", source, metadata: tags[i] ? { tags: tags[i] } : {} }));
  const r = await call(s.url, "POST", "/api/notebooks", { ...as(alice.token), body: { name, cells } });
  expect(r.status).toBe(201);
  return r.body.id as number;
}
async function runCells(id: number, sources: string[]) {
  const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  try {
    for (const [i, code] of sources.entries()) {
      const r = await call(s.url, "POST", `/api/notebooks/${id}/execute`, { ...as(alice.token), body: { cell_id: `c${i}`, code } });
      expect(r.status).toBe(202);
      const end = await ev.until((d) => d.type === "execution" && d.execution_id === r.body.id && ["ok", "error"].includes(d.status), 60_000);
      const outs = ev.events.filter((e) => e.data.execution_id === r.body.id && e.data.type === "output").map((e) => e.data.output);
      expect(end.status, JSON.stringify(outs)).toBe("ok");
    }
  } finally {
    ev.close();
  }
}
async function waitRun(id: number, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await call(s.url, "GET", `/api/runs/${id}`, as(alice.token));
    if (!["queued", "running"].includes(r.body.status)) return r.body;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${r.body.status}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

test("a notebook's kernel session is a run: kiln.log_param and 100 log_metric calls show up as a param and a 100-point series", async () => {
  const code = 'import kiln\nkiln.log_param("lr", 0.1)\n[kiln.log_metric("loss", 1/(i+1), step=i) for i in range(100)]\nprint("logged")';
  const id = await notebook("runs-log", [code]);
  await runCells(id, [code]);
  const list = await call(s.url, "GET", `/api/runs?notebook_id=${id}`, as(alice.token));
  expect(list.status).toBe(200);
  expect(list.body.total).toBe(1);
  const run = list.body.runs[0];
  expect(run).toMatchObject({ kind: "interactive", status: "running", params: { lr: "0.1" }, image: "python", notebook_id: id });
  expect(run.image_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(run.metrics.loss).toMatchObject({ count: 100, last: 0.01, last_step: 99, min: 0.01, max: 1 });
  const series = await call(s.url, "GET", `/api/runs/${run.id}/metrics/loss`, as(alice.token));
  expect(series.body.points).toHaveLength(100);
  expect(series.body.points[3]).toMatchObject({ step: 3, value: 0.25 });
  const detail = await call(s.url, "GET", `/api/runs/${run.id}`, as(alice.token));
  expect(detail.body.cells).toHaveLength(1);
  expect(detail.body.cells[0]).toMatchObject({ code, status: "ok" });
  // filter and sort in the runs table
  expect((await call(s.url, "GET", `/api/runs?notebook_id=${id}&param.lr=0.2`, as(alice.token))).body.total).toBe(0);
  expect((await call(s.url, "GET", `/api/runs?notebook_id=${id}&metric.loss=<0.5`, as(alice.token))).body.total).toBe(1);
  expect((await call(s.url, "GET", `/api/runs?metric.loss=<zero`, as(alice.token))).body.error.field).toBe("metric.loss");
  // a restart ends the run; the kernel's next life is the next run
  expect((await call(s.url, "POST", `/api/notebooks/${id}/kernel/restart`, as(alice.token))).status).toBe(200);
  await runCells(id, ["import kiln; kiln.log_metric('acc', 0.5)"]);
  const after = await call(s.url, "GET", `/api/runs?notebook_id=${id}&sort=id&order=asc`, as(alice.token));
  expect(after.body.runs.map((r: { status: string }) => r.status)).toEqual(["finished", "running"]);
  expect(after.body.runs[1].metrics.acc).toMatchObject({ count: 1, last: 0.5, last_step: 0 });
}, 120_000);

test("the kiln module's errors are Python exceptions with Kiln's reason: a param logged twice with another value", async () => {
  const id = await notebook("runs-errors", [""]);
  const code = [
    "import kiln",
    'kiln.log_param("lr", 0.1)',
    "try:",
    '    kiln.log_param("lr", 0.2)',
    "except kiln.KilnError as e:",
    '    print("refused:", e)',
  ].join("\n");
  await runCells(id, [code]);
  const cells = (await call(s.url, "GET", `/api/notebooks/${id}`, as(alice.token))).body.content.cells;
  expect(cells[0].outputs[0].text).toMatch(/refused: kiln: Param "lr" is already "0.1".*HTTP 409/);
}, 60_000);

test("log-batch follows MLflow's limits: 1001 metrics is a 400 naming the limit; a server's token serves nothing else", async () => {
  const id = await notebook("runs-limits", ["pass"]);
  await runCells(id, ["pass"]);
  const run = (await call(s.url, "GET", `/api/runs?notebook_id=${id}`, as(alice.token))).body.runs[0];
  const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: "m", value: i, step: i }));
  const over = await call(s.url, "POST", `/api/runs/${run.id}/log-batch`, { ...as(alice.token), body: { metrics } });
  expect(over.status).toBe(400);
  expect(over.body.error).toMatchObject({ field: "metrics" });
  expect(over.body.error.message).toMatch(/at most 1000 metrics/);
  const ok = await call(s.url, "POST", `/api/runs/${run.id}/log-batch`, { ...as(alice.token), body: { metrics: metrics.slice(0, 1000), params: [{ key: "batch", value: "32" }] } });
  expect(ok.status).toBe(200);
  const r = (await call(s.url, "GET", `/api/runs/${run.id}`, as(alice.token))).body;
  expect(r.metrics.m.count).toBe(1000);
  expect(r.params.batch).toBe("32");
  // the kernel side needs the running cell's id
  expect((await call(s.url, "POST", "/api/kernel/log-batch", { ...as(alice.token), body: {} })).body.error.field).toBe("X-Kiln-Execution");
  // the server's own token (what a kernel holds) cannot act as the user elsewhere
  const leak = await call(s.url, "POST", `/api/notebooks/${id}/execute`, { ...as(alice.token), body: { cell_id: "c0", code: "import os; print(os.environ['KILN_SERVER_TOKEN'])" } });
  expect(leak.status).toBe(202);
  await new Promise((res) => setTimeout(res, 1500));
  const serverToken = (await call(s.url, "GET", `/api/notebooks/${id}`, as(alice.token))).body.content.cells[0].outputs[0].text.trim();
  expect(serverToken).toMatch(/^kiln_/);
  expect((await call(s.url, "GET", "/hub/api/user", as(serverToken))).status).toBe(403);
  expect((await call(s.url, "GET", `/api/runs/${run.id}`, as(serverToken))).status).toBe(403);
  expect((await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { ...as(serverToken), body: {} })).status).toBe(403);
}, 60_000);

test("bob cannot see alice's runs; shared with his group he can read but not change them", async () => {
  const id = await notebook("runs-private", ["pass"]);
  await runCells(id, ["pass"]);
  const run = (await call(s.url, "GET", `/api/runs?notebook_id=${id}`, as(alice.token))).body.runs[0];
  expect((await call(s.url, "GET", `/api/runs/${run.id}`, as(bob.token))).status).toBe(404);
  expect((await call(s.url, "GET", `/api/runs/${run.id}/metrics/loss`, as(bob.token))).status).toBe(404);
  expect((await call(s.url, "GET", "/api/runs", as(bob.token))).body.runs.some((r: { id: number }) => r.id === run.id)).toBe(false);
  expect((await call(s.url, "POST", `/api/runs/${run.id}/log-batch`, { ...as(bob.token), body: { params: [{ key: "x", value: "1" }] } })).status).toBe(404);
  const group = `g${run.id}x${Date.now() % 100000}`;
  expect((await call(s.url, "POST", `/hub/api/groups/${group}`, { token: s.adminToken, body: { users: [bob.name] } })).status).toBe(201);
  const shared = await call(s.url, "PATCH", `/api/runs/${run.id}`, { ...as(alice.token), body: { shared_groups: [group] } });
  expect(shared.body.shared_groups).toEqual([group]);
  expect((await call(s.url, "GET", `/api/runs/${run.id}`, as(bob.token))).status).toBe(200);
  expect((await call(s.url, "PATCH", `/api/runs/${run.id}`, { ...as(bob.token), body: { public: true } })).status).toBe(403);
  expect((await call(s.url, "POST", `/api/runs/${run.id}/log-batch`, { ...as(bob.token), body: { params: [{ key: "x", value: "1" }] } })).status).toBe(403);
  expect((await call(s.url, "PATCH", `/api/runs/${run.id}`, { ...as(alice.token), body: { shared_groups: ["no-such-group"] } })).body.error.field).toBe("shared_groups");
}, 60_000);

test("Run as experiment: the whole notebook in a fresh kernel with injected parameters; the output notebook is kept; an error fails the run", async () => {
  const id = await notebook("runs-batch", ["alpha = 1", "import kiln\nkiln.log_param('alpha', alpha)\nkiln.log_metric('double', alpha * 2)\nprint('alpha is', alpha)"], { 0: ["parameters"] });
  const started = await call(s.url, "POST", `/api/notebooks/${id}/runs`, { ...as(alice.token), body: { params: { alpha: 21 } } });
  expect(started.status).toBe(202);
  const done = await waitRun(started.body.id);
  expect(done).toMatchObject({ kind: "batch", status: "finished", params: { alpha: "21" }, injected: { alpha: 21 } });
  expect(done.metrics.double.last).toBe(42);
  expect(done.cells.map((c: { cell_id: string }) => c.cell_id)).toEqual(["c0", "injected-parameters", "c1"]);
  const out = await call(s.url, "GET", `/api/runs/${done.id}/output`, as(alice.token));
  expect(out.body.cells[2].outputs[0].text).toBe("alpha is 21\n");

  const bad = await notebook("runs-batch-bad", ["x = 1", "1/0", "print('never')"]);
  const failed = await waitRun((await call(s.url, "POST", `/api/notebooks/${bad}/runs`, { ...as(alice.token), body: {} })).body.id);
  expect(failed.status).toBe("failed");
  expect(failed.error).toMatch(/Cell 2 raised ZeroDivisionError/);
  expect(failed.cells).toHaveLength(2);
}, 120_000);
