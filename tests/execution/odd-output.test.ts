import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type ApiResponse, call, makeUser, startServer } from "../helpers/http";

// PostgreSQL refuses NUL in text and jsonb, and lone UTF-16 surrogates in jsonb: one such
// character in a cell's output once made its row unstorable and lost its whole batch.
// CPython's kernel refuses to send a lone surrogate itself (jupyter_client's packer), but other
// kernels can: the cell sends one as a raw iopub message, as such a kernel would.
const ODD = [
  "k = get_ipython().kernel",
  "k.session.send(k.iopub_socket, 'stream', content=b'{\"name\": \"stdout\", \"text\": \"x\\\\ud800y\\\\n\"}', parent=k.get_parent('shell'), ident=b'stream.stdout')",
  "print('a\\x00b')",
  "display({'text/plain': 'p\\x00q'}, metadata={'k\\x00': 1}, raw=True)",
].join("\n");
const ODD_TEXT = "x\ud800y\na\u0000b\n";

describe.each(inject("servers"))("odd characters in outputs on $backend", (s) => {
  let u: { name: string; token: string };
  beforeAll(async () => {
    u = await makeUser(s, "odd");
    await startServer(s.url, u);
  }, 90_000);
  afterAll(async () => {
    if (u) await call(s.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
  });

  test("a cell printing NUL and a lone surrogate: its outputs come back exactly, the other cells of its batch are stored, a whole-notebook run with it finishes", async () => {
    const cells = [{ id: "odd", source: ODD }, { id: "next", source: "print('fine')" }].map((c) => ({ ...c, cell_type: "code", metadata: {} }));
    const nb = (await call(s.url, "POST", "/api/notebooks", { token: u.token, body: { name: "odd", cells } })).body;
    // Both cells at once: their rows go to the database in the same batch.
    const [odd, next] = (await Promise.all(cells.map((c) => call(s.url, "POST", `/api/notebooks/${nb.id}/execute`, { token: u.token, body: { cell_id: c.id, code: c.source } })))) as [ApiResponse, ApiResponse];
    const stored = async () => (await call(s.url, "GET", `/api/notebooks/${nb.id}`, { token: u.token })).body.content.cells;
    // (sent at once, they run in whichever order they arrived: 1 and 2, one way or the other)
    await expect.poll(async () => (await stored()).map((c: { execution_count: number | null }) => c.execution_count).sort(), { timeout: 30_000 }).toEqual([1, 2]);

    const [a, b] = await stored();
    expect(a.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: ODD_TEXT },
      { output_type: "display_data", data: { "text/plain": "p\u0000q" }, metadata: { "k\u0000": 1 } },
    ]);
    expect(b.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "fine\n" }]);
    // The execution record, in full, as a text download: UTF-8 cannot carry a lone surrogate,
    // so there (only) it is U+FFFD; the NUL comes through.
    const full = await fetch(`${s.url}/api/executions/${odd.body.id}/outputs/0`, { headers: { authorization: `token ${u.token}` } });
    expect(await full.text()).toBe(ODD_TEXT.replace("\ud800", "\ufffd"));
    expect(next.status).toBe(202);
    // The export: valid JSON whose string is exactly what the kernel sent
    const exported = await fetch(`${s.url}/api/notebooks/${nb.id}/export`, { headers: { authorization: `token ${u.token}` } });
    const ipynb = JSON.parse(await exported.text());
    expect(ipynb.cells[0].outputs[0].text).toBe(ODD_TEXT);

    // A whole-notebook run of the same cells ends (finished), with the same outputs kept.
    const run = await call(s.url, "POST", `/api/notebooks/${nb.id}/runs`, { token: u.token, body: {} });
    expect([201, 202]).toContain(run.status);
    await expect.poll(async () => (await call(s.url, "GET", `/api/runs/${run.body.id}`, { token: u.token })).body.status, { timeout: 60_000 }).toBe("finished");
    const out = await call(s.url, "GET", `/api/runs/${run.body.id}/output`, { token: u.token });
    expect(JSON.parse(typeof out.body === "string" ? out.body : JSON.stringify(out.body)).cells[0].outputs[0].text).toBe(ODD_TEXT);
  }, 120_000);
});
