import postgres from "postgres";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";

// A whole-notebook run is driven under the lease run:{id}; the orphan sweep (lib/notebook-
// sessions/owner.ts) ends a batch run nobody holds as one whose Kiln died. The driver must
// therefore hold the lease until the run's end is stored: a CI run once saw a run that
// failed on its own error reported as "Kiln stopped during this whole-notebook run".
const s = inject("servers").find((x) => x.backend === "postgres")!;
let alice: { name: string; token: string };
let sql: ReturnType<typeof postgres>;
beforeAll(async () => {
  alice = await makeUser(s, "batchlease");
  await startServer(s.url, alice);
  sql = postgres(s.databaseUrl!, { max: 1, onnotice: () => {} });
}, 60_000);
afterAll(async () => {
  await sql?.end();
  if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
});

test("a whole-notebook run holds its lease until its end is stored, so it ends with its own error, never as orphaned", async () => {
  const cells = ["x = 1", "1/0", "print('never')"].map((source, i) => ({ id: `c${i}`, cell_type: "code", source, metadata: {} }));
  for (let round = 0; round < 3; round++) {
    const nb = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: `lease-${round}`, cells } });
    expect(nb.status).toBe(201);
    const started = await call(s.url, "POST", `/api/notebooks/${nb.body.id}/runs`, { token: alice.token, body: {} });
    expect(started.status).toBe(202);
    const runId = started.body.id as number;
    // Read the run's state and its lease together, as fast as the database answers, until the run ends.
    const unguarded: string[] = [];
    let leaseSeen = false;
    let status = "queued";
    for (const deadline = Date.now() + 90_000; ["queued", "running"].includes(status); ) {
      if (Date.now() > deadline) throw new Error(`run ${runId} did not end`);
      const [row] = await sql<{ status: string; held: boolean }[]>`
        select r.status, exists (select 1 from leases l where l.name = ${`run:${runId}`} and l.expires_at >= now()) as held
        from runs r where r.id = ${runId}`;
      status = row!.status;
      if (row!.held) leaseSeen = true;
      else if (leaseSeen && status === "running") unguarded.push(new Date().toISOString());
    }
    expect(leaseSeen).toBe(true);
    expect(unguarded).toEqual([]); // never running without a holder
    const done = (await call(s.url, "GET", `/api/runs/${runId}`, { token: alice.token })).body;
    expect(done).toMatchObject({ status: "failed", error: expect.stringMatching(/^Cell 2 raised ZeroDivisionError/) });
  }
}, 240_000);
