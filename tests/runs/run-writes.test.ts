import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import type { TestServer } from "../helpers/global-setup";
import { call, makeUser } from "../helpers/http";
import { subscribeEvents } from "../helpers/sse";

// What a run takes: a log-batch stored whole or not at all, and nothing once the run has ended.
// Real kernels on each backend: the batch's transaction differs between them.
describe.each(inject("servers"))("run writes on $backend", (s: TestServer) => {
  let alice: { name: string; token: string };
  const as = () => ({ token: alice.token });

  beforeAll(async () => {
    alice = await makeUser(s, "writes");
    const started = await call(s.url, "POST", `/hub/api/users/${alice.name}/server`, { ...as(), body: {} });
    expect([201, 202], JSON.stringify(started.body)).toContain(started.status);
    const deadline = Date.now() + 60_000;
    while (!(await call(s.url, "GET", `/hub/api/users/${alice.name}`, as())).body.server) {
      if (Date.now() > deadline) throw new Error("the server did not become ready");
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);
  afterAll(async () => {
    if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, as());
  });

  /** Runs one cell to its end; returns its printed text. */
  async function run(id: number, code: string): Promise<string> {
    const ev = await subscribeEvents(`${s.url}/api/notebooks/${id}/events`, alice.token);
    try {
      const r = await call(s.url, "POST", `/api/notebooks/${id}/execute`, { ...as(), body: { cell_id: "c0", code } });
      expect(r.status).toBe(202);
      const end = await ev.until((d) => d.type === "execution" && d.execution_id === r.body.id && ["ok", "error"].includes(d.status), 60_000);
      const outs = ev.events.filter((e) => e.data.execution_id === r.body.id && e.data.type === "output").map((e) => e.data.output);
      expect(end.status, JSON.stringify(outs)).toBe("ok");
      return outs.map((o) => o.text ?? "").join("");
    } finally {
      ev.close();
    }
  }

  async function notebookWithRun(name: string): Promise<{ id: number; runId: number }> {
    const nb = await call(s.url, "POST", "/api/notebooks", { ...as(), body: { name, cells: [{ id: "c0", cell_type: "code", source: "pass", metadata: {} }] } });
    expect(nb.status).toBe(201);
    await run(nb.body.id, "pass");
    const runs = await call(s.url, "GET", `/api/runs?notebook_id=${nb.body.id}`, as());
    return { id: nb.body.id, runId: runs.body.runs[0].id };
  }

  const detail = async (runId: number) => (await call(s.url, "GET", `/api/runs/${runId}`, as())).body;

  test("a log-batch refused for any part stores none of it; an accepted one stores all of it", async () => {
    const { runId } = await notebookWithRun("writes-batch");
    const batch = (body: object) => call(s.url, "POST", `/api/runs/${runId}/log-batch`, { ...as(), body });
    expect((await batch({ params: [{ key: "lr", value: "0.1" }] })).status).toBe(200);

    // a param that clashes with a stored one: 409, and the new param, the tag and the metric are not kept
    const clash = await batch({ params: [{ key: "fresh", value: "x" }, { key: "lr", value: "0.2" }], tags: [{ key: "t", value: "v" }], metrics: [{ key: "m", value: 1, step: 0 }] });
    expect(clash.status).toBe(409);
    expect(clash.body.error.field).toBe("params");
    // a metric that cannot be stored: 400 naming it, and the batch's param is not kept
    const late = await batch({ params: [{ key: "fresh", value: "x" }], metrics: [{ key: "m", value: 1, timestamp: 1e16 }] });
    expect(late.status).toBe(400);
    expect(late.body.error.field).toBe("metrics.0.timestamp");
    // a tag twice in one batch: 400, nothing kept
    const twice = await batch({ params: [{ key: "fresh", value: "x" }], tags: [{ key: "t", value: "1" }, { key: "t", value: "2" }] });
    expect(twice.status).toBe(400);
    expect(twice.body.error.field).toBe("tags");
    let r = await detail(runId);
    expect(r.params).toEqual({ lr: "0.1" });
    expect(r.tags ?? {}).toEqual({});
    expect(r.metrics ?? {}).toEqual({});

    // the same value again is fine; params, tags and metrics of one batch land together
    const ok = await batch({ params: [{ key: "lr", value: "0.1" }, { key: "fresh", value: "x" }], tags: [{ key: "t", value: "v" }], metrics: [{ key: "m", value: 1e308, step: 0 }, { key: "m", value: 2, step: 1 }] });
    expect(ok.status).toBe(200);
    r = await detail(runId);
    expect(r.params).toEqual({ lr: "0.1", fresh: "x" });
    expect(r.tags).toEqual({ t: "v" });
    expect(r.metrics.m).toMatchObject({ count: 2, last: 2, last_step: 1, max: 1e308 });
  }, 120_000);

  test("once its run has ended (a kernel restart), a cell's old execution id is refused with 409 on every kernel route", async () => {
    const { id, runId } = await notebookWithRun("writes-ended");
    const msgId = (await run(id, "import kiln._context\nprint(kiln._context.execution_id())")).trim();
    expect(msgId).toMatch(/^[\w.:-]+$/);
    const kernel = (method: string, path: string, body?: unknown, rawBody?: string) =>
      call(s.url, method, path, { ...as(), body, rawBody, headers: { "x-kiln-execution": msgId } });
    // while the run is running, the id still names it (the cell is done, its kernel session is not)
    expect((await kernel("POST", "/api/kernel/log-batch", { params: [{ key: "before", value: "1" }] })).status).toBe(200);

    expect((await call(s.url, "POST", `/api/notebooks/${id}/kernel/restart`, as())).status).toBe(200);
    expect((await detail(runId)).status).toBe("finished");

    const refused = [
      await kernel("POST", "/api/kernel/log-batch", { params: [{ key: "after", value: "1" }], tags: [{ key: "after", value: "1" }], metrics: [{ key: "after", value: 1 }] }),
      await kernel("PUT", "/api/kernel/artifacts/after.txt", undefined, "late bytes"),
      await kernel("PUT", "/api/kernel/artifacts/model.onnx?kind=model&name=late", undefined, "late model"),
      await kernel("GET", "/api/kernel/datasets/after"),
      await kernel("POST", "/api/datasets/after/uploads", {}),
    ];
    for (const r of refused) {
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error.message).toMatch(new RegExp(`Run ${runId} has ended \\(finished\\)`));
    }
    const r = await detail(runId);
    expect(r.params).toEqual({ before: "1" });
    expect(r.tags ?? {}).toEqual({});
    expect(r.metrics ?? {}).toEqual({});
    expect(r.artifacts ?? []).toEqual([]);
    expect(r.inputs ?? []).toEqual([]);
    expect((await call(s.url, "GET", "/api/datasets", as())).body.datasets.some((d: { name: string }) => d.name === "after")).toBe(false);
  }, 120_000);
});
