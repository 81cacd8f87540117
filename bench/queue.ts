/**
 * The pipeline queue's drain rate (issue 14): 1,000 queued no-op steps through pg-boss on
 * Kiln's own database, on PostgreSQL and on the embedded PGlite, each beside a baseline
 * measured in the same run on the same connection: 1,000 sequential single-row
 * INSERT + UPDATE ... RETURNING round trips, about the least a durable queue can write per job.
 * One worker, fetching one job at a time (a step per fetch, the strict case) and then 50 at
 * a time; the clock runs from the insert of the 1,000 jobs to the last one completed.
 * Target: at least 200 steps/s on PostgreSQL, one at a time. Prints JSON; writes
 * bench/results/queue.json. usage: node --import tsx bench/queue.ts [--jobs 1000] [--runs 3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../lib/db/open";
import type { Database } from "../lib/db/types";
import { Queue } from "../lib/pipelines/queue";
import { pgBossDb } from "../lib/pipelines/queue/pg-boss-db";
import { createTempDatabase, dropDatabase } from "../tests/helpers/pg";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const JOBS = arg("jobs", 1000);
const RUNS = arg("runs", 3);
setTimeout(() => (process.stderr.write("bench/queue.ts: gave up after 10 minutes\n"), process.exit(2)), 10 * 60_000).unref();

async function baseline(database: Database): Promise<number> {
  const sql = pgBossDb(database);
  await sql.executeSql("create table if not exists bench_baseline (id serial primary key, state text)");
  const t0 = performance.now();
  for (let i = 0; i < JOBS; i++) {
    const { rows } = (await sql.executeSql("insert into bench_baseline (state) values ($1) returning id", ["created"])) as { rows: { id: number }[] };
    await sql.executeSql("update bench_baseline set state = $2 where id = $1 returning id", [rows[0]!.id, "completed"]);
  }
  return JOBS / ((performance.now() - t0) / 1000);
}

async function drain(queue: Queue, name: string, BATCH: number): Promise<number> {
  await queue.ensure(name);
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const worker = await queue.work(name, { batchSize: BATCH, pollingIntervalSeconds: 0.5 }, async (jobs) => {
    done += jobs.length;
    if (done >= JOBS) setImmediate(finished);
  });
  const t0 = performance.now();
  await queue.boss.insert(Array.from({ length: JOBS }, (_, n) => ({ name, data: { n } })));
  queue.boss.notifyWorker(worker);
  await all;
  // completed: pg-boss marks a batch complete after its handler returns
  for (;;) {
    const left = await queue.boss.getQueueSize(name, { before: "completed" });
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const rate = JOBS / ((performance.now() - t0) / 1000);
  await queue.boss.offWork(name);
  return rate;
}

async function measure(database: Database) {
  const queue = await Queue.open(database);
  const out: Record<string, unknown> = {};
  for (const batch of [1, 50]) {
    const runs: { steps_per_s: number; baseline_round_trips_per_s: number }[] = [];
    for (let r = 0; r < RUNS; r++) {
      const steps = await drain(queue, `bench-${batch}-${r}`, batch);
      const base = await baseline(database);
      runs.push({ steps_per_s: +steps.toFixed(0), baseline_round_trips_per_s: +base.toFixed(0) });
    }
    const best = runs.reduce((a, b) => (b.steps_per_s > a.steps_per_s ? b : a));
    out[`batch_${batch}`] = { runs, best_steps_per_s: best.steps_per_s, ratio_to_baseline: +(best.steps_per_s / best.baseline_round_trips_per_s).toFixed(2) };
  }
  await queue.stop();
  return out as { batch_1: { best_steps_per_s: number }; batch_50: unknown };
}

const tmp = await createTempDatabase("benchq");
const pg = await openDatabase({ kind: "postgres", url: tmp.url });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-bench-queue-"));
const lite = await openDatabase({ kind: "pglite", dir });
try {
  const postgres = await measure(pg);
  const pglite = await measure(lite);
  const result = {
    benchmark: `${JOBS} queued no-op steps drained through pg-boss (one worker, 1 or 50 per fetch) vs ${JOBS} sequential INSERT+UPDATE round trips, same run, same connection`,
    jobs: JOBS, cores: os.cpus().length, load_average: os.loadavg()[0],
    postgres, pglite,
    target_postgres_steps_per_s: 200,
    meets_target: postgres.batch_1.best_steps_per_s >= 200,
  };
  fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, "results", "queue.json"), JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
} finally {
  await pg.close();
  await lite.close();
  await dropDatabase(tmp.name);
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
