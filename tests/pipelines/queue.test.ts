import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase } from "../../lib/db/open";
import type { Database } from "../../lib/db/types";
import { Queue, QUEUE_SCHEMA, type QueueJob } from "../../lib/pipelines/queue";
import { pgBossDb } from "../../lib/pipelines/queue/pg-boss-db";
import { backends } from "../db/backends";
import { createTempDatabase, dropDatabase } from "../helpers/pg";

/** Waits for a state, never for a duration (a busy machine only makes it slower). */
async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// pg-boss over Kiln's own database connection, on both backends through the same code.
for (const backend of backends) {
  describe(`the job queue on ${backend.name}`, () => {
    let db: Awaited<ReturnType<typeof backend.fresh>>;
    let queue: Queue;
    beforeAll(async () => {
      db = await backend.fresh();
      queue = await Queue.open(db.database);
    });
    afterAll(async () => {
      await queue?.stop();
      await db?.dispose();
    });

    test("installs its schema in Kiln's database (and opening again finds it there)", async () => {
      const again = await Queue.open(db.database);
      await again.stop();
      const { rows } = (await pgBossDb(db.database).executeSql(`select version from ${QUEUE_SCHEMA}.version`)) as { rows: { version: number }[] };
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]!.version)).toBeGreaterThan(20);
    });

    test("pg-boss's multi-statement SQL answers every statement's rows; one failing inside its BEGIN leaves the connection usable", async () => {
      const sqlOf = pgBossDb(db.database);
      const both = (await sqlOf.executeSql("select 1 as a; select 2 as b")) as { rows: Record<string, unknown>[] }[];
      expect(both.map((r) => r.rows.map((x) => Number(Object.values(x)[0])))).toEqual([[1], [2]]);
      await expect(sqlOf.executeSql("BEGIN; select 1/0; COMMIT")).rejects.toThrow(/division by zero/);
      // (on PGlite this is Kiln's one connection: an aborted transaction left open would fail everything after it)
      expect(((await sqlOf.executeSql("select 3 as c")) as { rows: { c: number }[] }).rows.map((r) => Number(r.c))).toEqual([3]);
      expect(((await sqlOf.executeSql("select $1::int + 1 as d", [3])) as { rows: { d: number }[] }).rows.map((r) => Number(r.d))).toEqual([4]);
    });

    test("a job is worked once with its data; one that fails twice is retried and then succeeds", async () => {
      await queue.ensure("flaky", { retryLimit: 2, retryDelay: 1 });
      const attempts = new Map<string, number>();
      const done: string[] = [];
      await queue.work<{ n: number }>("flaky", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
        const k = String(job!.data.n);
        attempts.set(k, (attempts.get(k) ?? 0) + 1);
        if (job!.data.n === 2 && attempts.get(k)! < 3) throw new Error("not yet");
        done.push(k);
      });
      const ids = [await queue.send("flaky", { n: 1 }), await queue.send("flaky", { n: 2 })];
      await until("both jobs done", () => done, (d) => d.length === 2, 60_000);
      expect(Object.fromEntries(attempts)).toEqual({ 1: 1, 2: 3 });
      // pg-boss marks a job completed after its handler returns: wait for that state, not the handler.
      for (const id of ids)
        await until(`job ${id} completed`, async () => (await queue.boss.getJobById("flaky", id!))?.state, (s) => s === "completed" || s === "failed");
      for (const id of ids) expect((await queue.boss.getJobById("flaky", id!))?.state).toBe("completed");
    });

    test("a job that always fails ends failed after its retries, with the error", async () => {
      await queue.ensure("doomed", { retryLimit: 1, retryDelay: 1 });
      let attempts = 0;
      await queue.work("doomed", { pollingIntervalSeconds: 0.5 }, async () => {
        attempts++;
        throw new Error("the step exited with code 1");
      });
      const id = await queue.send("doomed", {});
      const job = await until("the job failed", () => queue.boss.getJobById("doomed", id!), (j) => j?.state === "failed");
      expect(attempts).toBe(2);
      expect(JSON.stringify(job!.output)).toContain("the step exited with code 1");
    });

    test("a job sent now, or to start later, wakes this process's worker (at its start time) however long the worker's poll", async () => {
      await queue.ensure("quiet");
      const workedAt = new Map<string, number>();
      await queue.work<{ n: string }>("quiet", { pollingIntervalSeconds: 600 }, async ([job]) => void workedAt.set(job!.data.n, Date.now()));
      await queue.send("quiet", { n: "now" });
      const startAfter = new Date(Date.now() + 1500);
      await queue.send("quiet", { n: "later" }, { startAfter });
      // well before the ten-minute poll (a busy machine is slower, never that slow)
      await until("both jobs worked", () => workedAt.size, (n) => n === 2, 120_000);
      expect(workedAt.get("later")!).toBeGreaterThanOrEqual(startAfter.getTime());
    }, 150_000);
  });
}

describe("two Kiln processes on one PostgreSQL", () => {
  let tmp: { name: string; url: string };
  const databases: Database[] = [];
  const queues: Queue[] = [];
  beforeAll(async () => {
    tmp = await createTempDatabase("queue2p");
    for (let i = 0; i < 2; i++) databases.push(await openDatabase({ kind: "postgres", url: tmp.url }));
    // Both install at once: pg-boss migrates under an advisory lock.
    queues.push(...(await Promise.all(databases.map((d) => Queue.open(d)))));
  });
  afterAll(async () => {
    for (const q of queues) await q.stop();
    for (const d of databases) await d.close();
    if (tmp) await dropDatabase(tmp.name);
  });

  test("300 jobs worked by both: each exactly once", async () => {
    await queues[0]!.ensure("steps");
    const seen: { by: number; n: number }[] = [];
    // Each process's first batch waits until the other has one too: both are fetching from
    // the same queue at the same time, whatever the machine's speed.
    const fetched = [false, false];
    for (const [i, q] of queues.entries())
      await q.work<{ n: number }>("steps", { batchSize: 10, pollingIntervalSeconds: 0.5 }, async (jobs: QueueJob<{ n: number }>[]) => {
        fetched[i] = true;
        await until("both processes holding a batch", () => fetched, (f) => f[0]! && f[1]!);
        for (const j of jobs) seen.push({ by: i, n: j.data.n });
      });
    await queues[0]!.boss.insert(Array.from({ length: 300 }, (_, n) => ({ name: "steps", data: { n } })));
    await queues[0]!.send("steps", { n: 300 }); // wakes a worker
    await until("every job worked", () => seen.length, (n) => n >= 301, 60_000);
    const ns = seen.map((s) => s.n).sort((a, b) => a - b);
    expect(ns).toEqual(Array.from({ length: 301 }, (_, n) => n));
    expect(new Set(seen.map((s) => s.by)).size).toBe(2);
  });
});
