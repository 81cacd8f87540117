import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { containerOf, docker, removeInstance } from "../helpers/docker";
import { call, makeUser } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// Kiln is stopped while a cell runs, and started again: the kernel (in its container) runs on,
// Jupyter keeps what it prints meanwhile for Kiln's session, and the cell ends on the page as
// if nothing happened. Its own Kiln (it is stopped), on the embedded PGlite as `npm start`.
const adminToken = randomToken();
const instance = `restart-${randomToken().slice(0, 8)}`;
const dataDir = tempDir("restart");
let kiln: RunningKiln;
const env = () => ({ KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance, ...(kiln ? { PORT: String(kiln.port) } : {}) });

beforeAll(async () => {
  kiln = await startKiln({ env: env() });
}, 120_000);
afterAll(async () => {
  await kiln?.stop();
  await removeInstance(instance);
});

const TICKS = "import time\nfor i in range(8):\n    print(f'tick {i}', flush=True)\n    time.sleep(1)\nprint('end')";
const expected = Array.from({ length: 8 }, (_, i) => `tick ${i}\n`).join("") + "end\n";
const text = (outputs: { text?: string | string[] }[] = []) => outputs.map((o) => [o.text ?? ""].flat().join("")).join("");

describe.each(["SIGTERM", "SIGKILL"] as const)("Kiln stopped with %s while a cell runs", (signal) => {
  test("after the restart the cell shows all 8 ticks exactly once, in order, and its end", async () => {
    const admin = { backend: "pglite" as const, url: kiln.url, adminToken };
    const u = await makeUser(admin, "restart");
    const start = await call(kiln.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: {} });
    expect([201, 202]).toContain(start.status);
    await expect.poll(async () => (await call(kiln.url, "GET", "/hub/api/user", { token: u.token })).body.servers[""]?.ready, { timeout: 60_000 }).toBe(true);
    const nb = await call(kiln.url, "POST", "/api/notebooks", { token: u.token, body: { name: "ticks", cells: [{ id: "t", cell_type: "code", source: TICKS, metadata: {} }] } });
    const cell = async () => (await call(kiln.url, "GET", `/api/notebooks/${nb.body.id}`, { token: u.token })).body.content.cells[0];
    expect((await call(kiln.url, "POST", `/api/notebooks/${nb.body.id}/execute`, { token: u.token, body: { cell_id: "t", code: TICKS } })).status).toBe(202);

    // Stopped once the page has shown the second tick; started again 4 s later.
    await expect.poll(async () => text((await cell()).outputs), { timeout: 30_000, interval: 100 }).toContain("tick 1\n");
    await kiln.stop(signal);
    await new Promise((r) => setTimeout(r, 4000));
    kiln = await startKiln({ env: env() });

    await expect.poll(async () => { const c = await cell(); return c.execution_count === 1 && text(c.outputs).includes("end"); }, { timeout: 30_000 }).toBe(true);
    const done = await cell();
    if (text(done.outputs) !== expected) {
      const c = await containerOf(u.name, "", instance);
      console.error(kiln.output(), c && (await docker.getContainer(c.Id).logs({ stdout: true, stderr: true })).toString());
    }
    expect(text(done.outputs)).toBe(expected);
    const [run] = (await call(kiln.url, "GET", "/api/runs", { token: u.token })).body.runs;
    expect(run.status).toBe("running"); // the same interactive run: the kernel kept its session
    await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
  }, 120_000);
});
