import { afterAll, beforeAll, expect, inject, test } from "vitest";
import WebSocket from "ws";
import { call, makeUser, startServer } from "../helpers/http";

// Completion and help from the kernel on the notebook channel: `complete` and `inspect`,
// answered from the notebook's own kernel by Kiln (complete_request / inspect_request).
const s = inject("servers")[0]!;
const wsUrl = (id: number) => `${s.url.replace(/^http/, "ws")}/api/notebooks/${id}/channel`;
let alice: { name: string; token: string };
beforeAll(async () => {
  alice = await makeUser(s, "assist");
  await startServer(s.url, alice);
}, 60_000);
afterAll(async () => {
  if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
});

async function channel(name: string) {
  const r = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name, cells: [{ id: "c1", cell_type: "code", source: "", metadata: {} }] } });
  expect(r.status).toBe(201);
  const ws = new WebSocket(wsUrl(r.body.id), { headers: { authorization: `token ${alice.token}` } });
  const frames: any[] = [];
  const waiters: { pred: (f: any) => boolean; resolve: (f: any) => void }[] = [];
  ws.on("message", (d) => {
    const f = JSON.parse(String(d));
    frames.push(f);
    for (const w of [...waiters]) if (w.pred(f)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(f));
  });
  await new Promise((res, rej) => (ws.once("open", res), ws.once("error", rej)));
  const until = (pred: (f: any) => boolean, ms = 60_000) =>
    new Promise<any>((resolve, reject) => {
      const hit = frames.find(pred);
      if (hit) return resolve(hit);
      const t = setTimeout(() => reject(new Error(`no such frame in ${ms} ms; got ${JSON.stringify(frames).slice(0, 2000)}`)), ms);
      waiters.push({ pred, resolve: (f) => (clearTimeout(t), resolve(f)) });
    });
  let n = 0;
  const send = (op: string, body: Record<string, unknown> = {}) => {
    const request_id = `r${++n}`;
    ws.send(JSON.stringify({ op, request_id, ...body }));
    return until((f) => f.reply === request_id);
  };
  const run = async (code: string) => {
    const r = await send("execute", { cell_id: "c1", code });
    expect(r.ok).toBe(true);
    return until((f) => f.event?.type === "execution" && f.event.execution_id === r.data.id && ["ok", "error"].includes(f.event.status));
  };
  return { ws, frames, send, run, until };
}

test("complete answers the kernel's matches and where they go; inspect answers the docstring; positions count code points, as Jupyter's", async () => {
  const c = await channel("assist-basic");
  await c.run("import numpy as np\nsmile = '😀'");
  const r = await c.send("complete", { code: "np.ar", cursor_pos: 5 });
  expect(r.ok).toBe(true);
  expect(r.data.matches).toEqual(expect.arrayContaining(["arange", "array"]));
  expect([r.data.cursor_start, r.data.cursor_end]).toEqual([3, 5]);

  // one emoji (two UTF-16 units, one code point) before the caret
  const code = "x = '😀'; smi";
  const e = await c.send("complete", { code, cursor_pos: [...code].length });
  expect(e.data.matches).toContain("smile");
  expect(e.data.cursor_start).toBe([...code].length - 3);

  const h = await c.send("inspect", { code: "np.zeros(", cursor_pos: 9 });
  expect(h).toMatchObject({ ok: true, data: { found: true } });
  expect(h.data.data["text/plain"]).toMatch(/zeros\(shape, dtype=float/);
  const none = await c.send("inspect", { code: "nothing_here_at_all", cursor_pos: 5 });
  expect(none).toMatchObject({ ok: true, data: { found: false, data: {} } });

  const bad = await c.send("complete", { code: "np.", cursor_pos: -1 });
  expect(bad).toMatchObject({ ok: false, error: { code: "invalid_request", field: "cursor_pos" } });
  c.ws.close();
}, 120_000);

test("a completion does not flicker the kernel's state on the notebook's views", async () => {
  const c = await channel("assist-quiet");
  await c.run("1");
  await c.until((f) => f.event?.type === "kernel" && f.event.state === "idle");
  const before = c.frames.length;
  for (let i = 0; i < 5; i++) expect((await c.send("complete", { code: "pri", cursor_pos: 3 })).ok).toBe(true);
  await c.send("kernel"); // a round trip after the last completion's idle status could have arrived
  expect(c.frames.slice(before).filter((f) => f.event?.type === "kernel")).toEqual([]);
  c.ws.close();
}, 120_000);

test("while a cell runs, complete and inspect are refused at once (kernel_busy), and answer again when it ends", async () => {
  const c = await channel("assist-busy");
  await c.run("1");
  const running = await c.send("execute", { cell_id: "c1", code: "import time; time.sleep(4)" });
  await c.until((f) => f.event?.type === "execution" && f.event.execution_id === running.data.id && f.event.status === "running");
  const t0 = performance.now();
  const r = await c.send("complete", { code: "ti", cursor_pos: 2 });
  expect(performance.now() - t0).toBeLessThan(2000);
  expect(r).toMatchObject({ ok: false, error: { code: "kernel_busy" } });
  expect(r.error.message).toMatch(/busy/);
  expect((await c.send("inspect", { code: "time", cursor_pos: 2 })).error.code).toBe("kernel_busy");
  await c.until((f) => f.event?.type === "execution" && f.event.execution_id === running.data.id && f.event.status === "ok");
  const after = await c.send("complete", { code: "ti", cursor_pos: 2 });
  expect(after.data.matches).toContain("time");
  c.ws.close();
}, 120_000);

test("without a server, complete says to start one (no_server), as running a cell does", async () => {
  const bob = await makeUser(s, "assistb");
  const r = await call(s.url, "POST", "/api/notebooks", { token: bob.token, body: { name: "no server" } });
  const ws = new WebSocket(wsUrl(r.body.id), { headers: { authorization: `token ${bob.token}` } });
  await new Promise((res, rej) => (ws.once("open", res), ws.once("error", rej)));
  const reply = await new Promise<any>((resolve) => {
    ws.on("message", (d) => {
      const f = JSON.parse(String(d));
      if (f.reply === "x") resolve(f);
    });
    ws.send(JSON.stringify({ op: "complete", request_id: "x", code: "pri", cursor_pos: 3 }));
  });
  expect(reply).toMatchObject({ ok: false, error: { code: "no_server" } });
  ws.close();
}, 60_000);

test("variables lists what the user's code left in the kernel (type, shape or length, a short value), not modules, functions or IPython's names, and runs nothing a view sees", async () => {
  const c = await channel("assist-variables");
  await c.run(
    "import numpy as np\nimport pandas as pd\n" +
      "arr = np.zeros((3, 4))\ndf = pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})\n" +
      "big = list(range(10_000_000))\nname = 'kiln'\ndef helper(): pass\n_private = 1\n2 + 2",
  );
  await c.until((f) => f.event?.type === "kernel" && f.event.state === "idle");
  const before = c.frames.length;
  const r = await c.send("variables");
  expect(r.ok, JSON.stringify(r)).toBe(true);
  const byName = Object.fromEntries(r.data.variables.map((v: any) => [v.name, v]));
  expect(Object.keys(byName).sort()).toEqual(["arr", "big", "df", "name"]);
  expect(byName.arr).toMatchObject({ type: "numpy.ndarray", shape: "3 x 4" });
  expect(byName.df).toMatchObject({ type: "pandas.DataFrame", shape: "2 x 2" });
  expect(byName.big).toMatchObject({ type: "list", size: 10_000_000 });
  expect(byName.big.value.length).toBeLessThan(200); // reprlib's limits, not ten million numbers
  expect(byName.name).toMatchObject({ type: "str", size: 4, value: "'kiln'" });
  // silent: no execution, no count, no busy/idle on the views
  await c.send("kernel");
  expect(c.frames.slice(before).filter((f) => f.event)).toEqual([]);
  const next = await c.run("3");
  expect(next.event.execution_count).toBe(2); // the listing took no execution count
  c.ws.close();
}, 120_000);
