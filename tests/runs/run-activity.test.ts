import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";

// An interactive run lasts as long as its kernel session: it says whether a cell runs now.
const s = inject("servers")[0]!;
let u: { name: string; token: string };
beforeAll(async () => {
  u = await makeUser(s, "activity");
  await startServer(s.url, u);
}, 120_000);
afterAll(async () => {
  if (u) await call(s.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
});

test("a notebook's run is 'executing' while a cell runs and 'idle' between cells, though its kernel session (the run) goes on", async () => {
  const nb = await call(s.url, "POST", "/api/notebooks", { token: u.token, body: { name: "activity", cells: [{ id: "c", cell_type: "code", source: "", metadata: {} }] } });
  const run = async () => (await call(s.url, "GET", `/api/runs?notebook_id=${nb.body.id}`, { token: u.token })).body.runs[0];
  await call(s.url, "POST", `/api/notebooks/${nb.body.id}/execute`, { token: u.token, body: { cell_id: "c", code: "import time; time.sleep(3)" } });
  await expect.poll(async () => (await run())?.activity, { timeout: 30_000 }).toBe("executing");
  await expect.poll(async () => (await run()).activity, { timeout: 30_000 }).toBe("idle");
  expect((await run()).status).toBe("running");
}, 90_000);
