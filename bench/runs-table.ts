/**
 * The runs table at scale: 10,000 runs with 20 metric series and 5 params each, in
 * PostgreSQL. Times GET /api/runs's verb for a filtered, sorted page (a param filter, a
 * metric filter, sorted by a metric) against, in the same run, the cheapest possible page
 * (`select * from runs order by id desc limit 50`). Prints JSON; writes
 * bench/results/runs-table.json. usage: node --import tsx bench/runs-table.ts [--runs 10000]
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../lib/db/open";
import { runMetrics, runParams, runs, users } from "../lib/db/schema";
import { listRuns } from "../lib/runs/list";
import { listRunsQuery } from "../lib/runs/list-query";
import { createTempDatabase, dropDatabase } from "../tests/helpers/pg";
import { ROOT } from "./kiln-process";

setTimeout(() => (process.stderr.write("bench/runs-table.ts: gave up after 5 minutes\n"), process.exit(1)), 5 * 60_000).unref();
const N = Number(process.argv[process.argv.indexOf("--runs") + 1] || 10_000) || 10_000;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const tmp = await createTempDatabase("bench_runs");
const database = await openDatabase({ kind: "postgres", url: tmp.url });
try {
  const db = database.db;
  const [alice] = await db.insert(users).values({ name: "alice", email: "alice@bench.test" }).returning();
  const [bob] = await db.insert(users).values({ name: "bob", email: "bob@bench.test" }).returning();
  const seedStart = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({
      ownerId: (i + j) % 10 === 0 ? bob!.id : alice!.id, notebookId: null, notebookName: `nb${(i + j) % 50}`, notebookRevision: 1, kind: "batch" as const,
      status: (i + j) % 7 === 0 ? ("failed" as const) : ("finished" as const), image: "python", imageDigest: "sha256:x",
      resources: { cpu: 1, memory_mb: 1024, gpus: 0, gpu_ids: [] }, startedAt: new Date(Date.now() - (N - i - j) * 60_000), endedAt: new Date(),
    }));
    const ids = await db.insert(runs).values(batch).returning({ id: runs.id });
    await db.insert(runParams).values(ids.flatMap(({ id }) => ["lr", "batch", "optimizer", "layers", "seed"].map((key, k) => ({ runId: id, key, value: key === "lr" ? String([0.1, 0.01, 0.001][id % 3]) : String((id * (k + 1)) % 97) }))));
    const metricRows = ids.flatMap(({ id }) => Array.from({ length: 20 }, (_, m) => ({ runId: id, key: `m${m}`, last: Math.sin(id * (m + 1)), lastStep: 99, min: -1, max: 1, count: 100 })));
    for (let k = 0; k < metricRows.length; k += 5000) await db.insert(runMetrics).values(metricRows.slice(k, k + 5000));
  }
  await db.execute(sql`analyze`);
  const seedS = (performance.now() - seedStart) / 1000;

  const ctx = { db, actor: { kind: "user" as const, user: alice!, via: "token" as const } };
  const query = listRunsQuery.parse({ "param.lr": "0.01", "metric.m3": ">0", sort: "metric.m7", order: "desc", limit: "50" });
  const time = async (fn: () => Promise<unknown>, n = 30) => {
    for (let i = 0; i < 5; i++) await fn();
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await fn();
      xs.push(performance.now() - s);
    }
    return { p50: +pct(xs, 0.5).toFixed(2), p95: +pct(xs, 0.95).toFixed(2) };
  };
  let shown = 0;
  const kiln = await time(async () => (shown = (await listRuns({ ctx, input: query })).runs.length));
  const plain = await time(() => db.execute(sql`select * from runs order by id desc limit 50`));
  const unfiltered = await time(() => listRuns({ ctx, input: listRunsQuery.parse({ sort: "started_at" }) }));
  const report = {
    benchmark: `runs table: ${N} runs x 20 metrics x 5 params in PostgreSQL; page of 50 filtered by a param and a metric, sorted by a metric`,
    seed_s: +seedS.toFixed(1),
    rows_on_page: shown,
    filtered_sorted_page_ms: kiln,
    unfiltered_page_ms: unfiltered,
    baseline_plain_select_ms: plain,
    target_ms: 300,
    ratio_p50_to_plain_select: +(kiln.p50 / plain.p50).toFixed(1),
  };
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "runs-table.json"), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
} finally {
  await database.close();
  if (!process.env.KEEP_DB) await dropDatabase(tmp.name);
  else process.stderr.write(tmp.url + '\n');
}
