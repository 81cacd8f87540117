import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { subscribeEvents } from "../helpers/sse";

// Real kernels in the user's container (Docker spawner, python image), driven by Kiln.
const s = inject("servers")[0]!;
let alice: { name: string; token: string };
beforeAll(async () => {
  alice = await makeUser(s, "exec");
  await startServer(s.url, alice);
}, 60_000);
afterAll(async () => {
  if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
});

async function notebook(name: string, cells: { id: string; source: string }[]) {
  const r = await call(s.url, "POST", "/api/notebooks", {
    token: alice.token, body: { name, cells: cells.map((c) => ({ ...c, cell_type: "code", metadata: {} })) },
  });
  expect(r.status).toBe(201);
  return r.body.id as number;
}
const run = (id: number, cell_id: string, code: string) => call(s.url, "POST", `/api/notebooks/${id}/execute`, { token: alice.token, body: { cell_id, code } });
const stored = async (id: number) => (await call(s.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).body.content.cells;

test("a cell runs in the notebook's kernel: outputs stream to the view and are stored in the notebook and the execution record", async () => {
  const id = await notebook("exec-basic", [{ id: "c1", source: "" }, { id: "c2", source: "" }]);
  const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  const r = await run(id, "c1", "print(6*7)\n6*7");
  expect(r.status).toBe(202);
  const done = await ev.until((d) => d.type === "execution" && d.execution_id === r.body.id && d.status === "ok");
  expect(done.execution_count).toBe(1);
  const outs = ev.events.filter((e) => e.data.type === "output").map((e) => e.data.output);
  expect(outs[0]).toEqual({ output_type: "stream", name: "stdout", text: "42\n" });
  expect(outs[1]).toMatchObject({ output_type: "execute_result", data: { "text/plain": "42" } });
  const cells = await stored(id);
  expect(cells[0].execution_count).toBe(1);
  expect(cells[0].outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "42\n" });

  // an error: stored with its traceback; the next cell sees the kernel's state
  const e = await run(id, "c2", "x = 5\n1/0");
  await ev.until((d) => d.type === "execution" && d.execution_id === e.body.id && d.status === "error");
  expect((await stored(id))[1].outputs[0]).toMatchObject({ output_type: "error", ename: "ZeroDivisionError" });
  const again = await run(id, "c1", "print(x)");
  await ev.until((d) => d.type === "execution" && d.execution_id === again.body.id && d.status === "ok");
  expect((await stored(id))[0].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "5\n" }]);
  const k = await call(s.url, "GET", `/api/notebooks/${id}/kernel`, { token: alice.token });
  expect(k.body).toMatchObject({ state: "idle", server: { ready: true, image: "python" } });
  // a save from the editor does not wipe what the kernel printed
  const rev = (await call(s.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).body.revision;
  await call(s.url, "PATCH", `/api/notebooks/${id}`, { token: alice.token, body: { revision: rev, cells: [{ id: "c1", cell_type: "code", source: "print(x)", metadata: {} }] } });
  expect((await stored(id))[0].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "5\n" }]);
  ev.close();
}, 60_000);

test("closing the view mid-run loses nothing: the outputs land in the notebook, in order, once each", async () => {
  const id = await notebook("exec-closed", [{ id: "loop", source: "" }]);
  const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  await run(id, "loop", "import time\nfor i in range(5): print(i, flush=True); time.sleep(1)");
  await new Promise((r) => setTimeout(r, 1000));
  ev.close(); // the tab closes
  // reopened mid-run: the view gets what was printed so far...
  await new Promise((r) => setTimeout(r, 1000));
  const mid = (await stored(id))[0].outputs;
  expect(mid[0]?.text ?? "").toMatch(/^0\n1\n/);
  // ...and a new event stream carries on from there
  const ev2 = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  await ev2.until((d) => d.type === "execution" && d.status === "ok", 15_000);
  ev2.close();
  expect((await stored(id))[0].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "0\n1\n2\n3\n4\n" }]);
}, 60_000);

test("input() prompts reach the view and the answer reaches the kernel", async () => {
  const id = await notebook("exec-input", [{ id: "ask", source: "" }]);
  const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  await run(id, "ask", "name = input('Your name? ')\nprint('hello', name)");
  const req = await ev.until((d) => d.type === "input_request");
  expect(req.prompt).toBe("Your name? ");
  expect((await call(s.url, "POST", `/api/notebooks/${id}/input`, { token: alice.token, body: { value: "Ada" } })).status).toBe(204);
  await ev.until((d) => d.type === "execution" && d.status === "ok");
  expect((await stored(id))[0].outputs.map((o: { text: string }) => o.text).join("")).toContain("hello Ada");
  expect((await call(s.url, "POST", `/api/notebooks/${id}/input`, { token: alice.token, body: { value: "again" } })).status).toBe(409);
  ev.close();
}, 60_000);

test("a kernel that dies is reported within 5 s with the reason; restart works; the notebook is intact", async () => {
  const id = await notebook("exec-death", [{ id: "a", source: "x = 1" }, { id: "b", source: "import os; os._exit(1)" }]);
  const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  const first = await run(id, "a", "x = 1");
  await ev.until((d) => d.type === "execution" && d.execution_id === first.body.id && d.status === "ok");
  const t0 = Date.now();
  await run(id, "b", "import os; os._exit(1)");
  const dead = await ev.until((d) => d.type === "kernel" && d.state === "dead", 10_000);
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(dead.reason).toMatch(/died/);
  expect((await call(s.url, "GET", `/api/notebooks/${id}/kernel`, { token: alice.token })).body.state).toBe("dead");
  const restarted = await call(s.url, "POST", `/api/notebooks/${id}/kernel/restart`, { token: alice.token });
  expect(restarted.body.state, JSON.stringify(restarted.body)).toBe("idle");
  const after = await run(id, "a", "print('x' in dir())");
  await ev.until((d) => d.type === "execution" && d.execution_id === after.body.id && d.status === "ok");
  expect((await stored(id))[0].outputs[0].text).toBe("False\n"); // a fresh kernel
  expect((await stored(id)).map((c: { source: string }) => c.source)).toEqual(["x = 1", "import os; os._exit(1)"]);
  ev.close();
}, 60_000);

test("a flood of output is coalesced into few events and stored whole; the full text is downloadable", async () => {
  const id = await notebook("exec-flood", [{ id: "f", source: "" }]);
  const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  const r = await run(id, "f", "for i in range(200000): print(i)");
  await ev.until((d) => d.type === "execution" && d.execution_id === r.body.id && d.status === "ok", 60_000);
  const outputs = ev.events.filter((e) => e.data.type === "output");
  expect(outputs.length).toBeLessThan(2000); // not 200,000 messages to the browser
  expect(outputs.map((e) => e.data.output.text).join("").split("\n").length).toBe(200001);
  const full = await fetch(`${s.url}/api/executions/${r.body.id}/outputs/0`, { headers: { authorization: `token ${alice.token}` } });
  const text = await full.text();
  expect(text.startsWith("0\n1\n2\n")).toBe(true);
  expect(text.endsWith("199999\n")).toBe(true);
  ev.close();
}, 90_000);

test("every output of a cell is kept, rich ones included, even those that arrive after the reply", async () => {
  const id = await notebook("exec-rich", [{ id: "r", source: "" }]);
  const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
  const code = [
    "import sys",
    "from IPython.display import display, Markdown, JSON, HTML",
    "for i in range(20):",
    "    print('out', i); print('err', i, file=sys.stderr)",
    "display(Markdown('**bold**')); display(JSON({'a': [1, 2]})); display(HTML('<i>x</i>'))",
    "h = display(Markdown('before'), display_id=True); h.update(Markdown('after'))",
  ].join("\n");
  const r = await run(id, "r", code);
  await ev.until((d) => d.type === "execution" && d.execution_id === r.body.id && d.status === "ok");
  const outs = (await stored(id))[0].outputs as { output_type: string; name?: string; text?: string; data?: Record<string, unknown> }[];
  const text = (name: string) => outs.filter((o) => o.name === name).map((o) => o.text).join("");
  expect(text("stdout").match(/out \d+/g)).toHaveLength(20);
  expect(text("stderr").match(/err \d+/g)).toHaveLength(20);
  const mimes = outs.filter((o) => o.output_type === "display_data").map((o) => Object.keys(o.data!).find((k) => k !== "text/plain"));
  expect(mimes).toEqual(["text/markdown", "application/json", "text/html", "text/markdown"]);
  expect(outs.at(-1)!.data!["text/markdown"]).toBe("after"); // update_display_data replaced it
  ev.close();
}, 60_000);

test("no server, no kernel: executing says so (409 no_server)", async () => {
  const bob = await makeUser(s, "noserver");
  const { body } = await call(s.url, "POST", "/api/notebooks", { token: bob.token, body: { name: "n" } });
  const r = await call(s.url, "POST", `/api/notebooks/${body.id}/execute`, { token: bob.token, body: { cell_id: "c", code: "1" } });
  expect(r.status).toBe(409);
  expect(r.body.error.code).toBe("no_server");
  expect((await call(s.url, "GET", `/api/notebooks/${body.id}/kernel`, { token: bob.token })).body).toMatchObject({ state: "none", server: null });
});
