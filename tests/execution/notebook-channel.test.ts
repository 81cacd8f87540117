import crypto from "node:crypto";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import WebSocket from "ws";
import { call, makeUser, signIn, startServer } from "../helpers/http";

// The browser's path: one WebSocket per open view carries commands and events (real kernel).
const s = inject("servers")[0]!;
const wsUrl = (id: number, q = "") => `${s.url.replace(/^http/, "ws")}/api/notebooks/${id}/channel${q}`;
let alice: { name: string; token: string };
let bob: { name: string; token: string };
beforeAll(async () => {
  [alice, bob] = await Promise.all([makeUser(s, "chan"), makeUser(s, "chanb")]);
  await startServer(s.url, alice);
}, 60_000);
afterAll(async () => {
  if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
});

async function notebook(token: string, name: string) {
  const r = await call(s.url, "POST", "/api/notebooks", { token, body: { name, cells: [{ id: "c1", cell_type: "code", source: "", metadata: {} }] } });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

/** A channel client that keeps every frame, and waits for the one it needs. */
function connect(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(url, { headers });
  const frames: any[] = [];
  const waiters: { pred: (f: any) => boolean; resolve: (f: any) => void }[] = [];
  ws.on("message", (d) => {
    const f = JSON.parse(String(d));
    frames.push(f);
    for (const w of [...waiters]) if (w.pred(f)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(f));
  });
  const until = (pred: (f: any) => boolean, ms = 15_000) =>
    new Promise<any>((resolve, reject) => {
      const hit = frames.find(pred);
      if (hit) return resolve(hit);
      const t = setTimeout(() => reject(new Error(`no such frame in ${ms} ms; got ${JSON.stringify(frames).slice(0, 2000)}`)), ms);
      waiters.push({ pred, resolve: (f) => (clearTimeout(t), resolve(f)) });
    });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_q, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once("error", reject);
  });
  let n = 0;
  const send = (op: string, body: Record<string, unknown> = {}) => {
    const request_id = `r${++n}`;
    ws.send(JSON.stringify({ op, request_id, ...body }));
    return until((f) => f.reply === request_id);
  };
  return { ws, frames, until, opened, send };
}

test("a cell runs over the notebook channel: the reply names the execution, its outputs and end arrive on the same socket, and are stored", async () => {
  const id = await notebook(alice.token, "chan-basic");
  const c = connect(wsUrl(id), { authorization: `token ${alice.token}` });
  await c.opened;
  const reply = await c.send("execute", { cell_id: "c1", code: "print(6*7)" });
  expect(reply).toMatchObject({ ok: true, data: { cell_id: "c1", status: "queued" } });
  const execId = reply.data.id;
  const end = await c.until((f) => f.event?.type === "execution" && f.event.execution_id === execId && f.event.status === "ok");
  expect(end.event.execution_count).toBe(1);
  const out = c.frames.find((f) => f.event?.type === "output" && f.event.execution_id === execId);
  expect(out.event.output).toEqual({ output_type: "stream", name: "stdout", text: "42\n" });
  expect(typeof end.id).toBe("number");
  // the record reaches the stored notebook
  await expect.poll(async () => (await call(s.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).body.content.cells[0].outputs, { timeout: 5000 })
    .toEqual([{ output_type: "stream", name: "stdout", text: "42\n" }]);
  const k = await c.send("kernel");
  expect(k).toMatchObject({ ok: true, data: { state: "idle", server: { image: "python" } } });

  // a view reconnecting after an event id gets what came after it, and nothing before
  const c2 = connect(wsUrl(id, `?after=${out.id}`), { authorization: `token ${alice.token}` });
  await c2.opened;
  const resumed = await c2.until((f) => f.event?.type === "execution" && f.event.status === "ok");
  expect(resumed.id).toBe(end.id);
  expect(c2.frames.some((f) => f.id <= out.id)).toBe(false);
  c.ws.close();
  c2.ws.close();
}, 60_000);

test("a bad command gets an error reply naming the field, and the channel stays usable", async () => {
  const id = await notebook(alice.token, "chan-bad");
  const c = connect(wsUrl(id), { authorization: `token ${alice.token}` });
  await c.opened;
  const bad = await c.send("execute", { cell_id: "../x", code: "1" });
  expect(bad).toMatchObject({ ok: false, error: { code: "invalid_request", field: "cell_id" } });
  const unknown = await c.send("format_disk");
  expect(unknown.ok).toBe(false);
  expect(unknown.error.field).toBe("op");
  c.ws.send("not json");
  await c.until((f) => f.reply === null && f.error?.code === "invalid_json");
  c.ws.send(`{"op":"kernel","x":${"[".repeat(50_000)}${"]".repeat(50_000)}}`);
  await c.until((f) => f.reply === null && f.error?.field === "body" && /nests/.test(f.error.message));
  const noPrompt = await c.send("input", { value: "x" });
  expect(noPrompt).toMatchObject({ ok: false, error: { code: "conflict" } });
  expect((await c.send("kernel")).ok).toBe(true);
  c.ws.close();
});

test("bob cannot open alice's notebook channel; no credentials is 401; a cookie from another site is refused", async () => {
  const id = await notebook(alice.token, "chan-private");
  await expect(connect(wsUrl(id), { authorization: `token ${bob.token}` }).opened).rejects.toMatchObject({ status: 404 });
  await expect(connect(wsUrl(id), {}).opened).rejects.toMatchObject({ status: 401 });
  await expect(connect(wsUrl(id), { authorization: "token kiln_wrong" }).opened).rejects.toMatchObject({ status: 401 });
  await expect(connect(wsUrl(999_999_999), { authorization: `token ${alice.token}` }).opened).rejects.toMatchObject({ status: 404 });

  // cookie-authenticated: only from Kiln's own pages (cross-site WebSocket hijacking)
  const email = `${crypto.randomBytes(4).toString("hex")}@chan.test`;
  expect((await call(s.url, "POST", "/api/auth/signup", { body: { email, password: "channel-pw-123" } })).status).toBe(201);
  const { cookie } = await signIn(s.url, email, "channel-pw-123");
  const mine = await call(s.url, "POST", "/api/notebooks", { headers: { cookie, origin: s.url }, body: { name: "cookie-nb" } });
  expect(mine.status).toBe(201);
  await expect(connect(wsUrl(mine.body.id), { cookie, origin: "http://evil.example" }).opened).rejects.toMatchObject({ status: 403 });
  await expect(connect(wsUrl(mine.body.id), { cookie }).opened).rejects.toMatchObject({ status: 403 });
  const ok = connect(wsUrl(mine.body.id), { cookie, origin: s.url });
  await ok.opened;
  ok.ws.close();
});
