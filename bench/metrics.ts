/**
 * Metric ingestion and chart reads, each next to its floor measured in the same run:
 * (a) raw COPY (binary and text) of the same rows into an identical bare table, no summaries,
 *     over a TCP_NODELAY postgres.js connection;
 * (b) ingestMetrics in batches of 1000 and 10,000 (1,000,000 points each): points/s and ratio;
 * (c) readSeries of a 1,000,000-point series (p50 of 20) against one SQL query computing the
 *     same min/max downsample over metric_points (width_bucket + group by);
 * (d) the same ingestion and read on PGlite, reported on their own.
 * Methods compared with each other take turns batch by batch, so a noisy machine (other
 * work, checkpoints) slows them alike and their ratio holds. Temp PostgreSQL database,
 * dropped at the end; gives up after 5 minutes. Prints JSON; writes bench/results/metrics.json.
 * usage: node --import tsx bench/metrics.ts [--points 1000000]
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDatabase } from "../lib/db/open";
import { runs, users } from "../lib/db/schema";
import type { Database } from "../lib/db/types";
import { ingestMetrics, readSeries, type MetricPoint } from "../lib/runs/metrics";
import { encodeBinaryCopy, encodeTextCopy } from "../lib/runs/metrics/copy-encode";
import { copyIn } from "../lib/runs/metrics/copy-in";
import { ingestPostgres } from "../lib/runs/metrics/ingest-postgres";
import { createTempDatabase, dropDatabase } from "../tests/helpers/pg";

const argPoints = process.argv.indexOf("--points");
const TOTAL = argPoints > 0 ? Number(process.argv[argPoints + 1]) : 1_000_000;
const PGLITE_TOTAL = Math.min(TOTAL, 300_000);
const MAX_POINTS = 2000;
const cleanups: (() => Promise<unknown>)[] = [];

const giveUp = setTimeout(async () => {
  console.error("bench/metrics: gave up after 5 minutes");
  for (const c of cleanups.reverse()) await c().catch(() => {});
  process.exit(2);
}, 300_000);
giveUp.unref();

function makePoints(n: number): MetricPoint[] {
  let x = 12345;
  const t0 = Date.UTC(2026, 0, 1);
  const out: MetricPoint[] = new Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = { key: "loss", step: i, value: Math.exp(-i / 200_000) + (x / 2 ** 32 - 0.5) * 0.1, ts: new Date(t0 + i * 5) };
  }
  return out;
}

type Ingest = (batch: MetricPoint[]) => Promise<unknown>;

/** points/s of each method, the methods taking turns batch by batch. */
async function interleaved(points: MetricPoint[], size: number, methods: Record<string, Ingest>): Promise<Record<string, number>> {
  const spent: Record<string, number> = Object.fromEntries(Object.keys(methods).map((k) => [k, 0]));
  for (let i = 0; i < points.length; i += size) {
    const batch = points.slice(i, i + size);
    for (const [name, ingest] of Object.entries(methods)) {
      const t0 = performance.now();
      await ingest(batch);
      spent[name]! += performance.now() - t0;
    }
  }
  return Object.fromEntries(Object.entries(spent).map(([k, ms]) => [k, Math.round(points.length / (ms / 1000))]));
}

async function p50(times: number, f: () => Promise<unknown>) {
  await f();
  await f(); // warm: plans, caches
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50_ms: +ms[Math.floor(times / 2)]!.toFixed(2), min_ms: +ms[0]!.toFixed(2), max_ms: +ms.at(-1)!.toFixed(2) };
}

async function newRun(database: Database, name: string): Promise<number> {
  const [user] = await database.db.insert(users).values({ name }).returning();
  const [run] = await database.db
    .insert(runs)
    .values({ ownerId: user!.id, notebookName: "bench.ipynb", notebookRevision: 1, kind: "batch", status: "running", image: "bench", resources: { cpu: 1, memory_mb: 1, gpus: 0, gpu_ids: [] } })
    .returning();
  return run!.id;
}

/** The floor: rows straight into tables shaped like metric_points (same index), nothing else. */
async function bareCopy(url: string) {
  // postgres.js leaves Nagle on; without TCP_NODELAY every COPY stalls on a delayed ACK.
  const socket = (o: { host: string[]; port: number[] }) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: o.host[0], port: o.port[0]!, noDelay: true });
      s.once("connect", () => resolve(s)).once("error", reject);
    });
  const sql = postgres(url, { max: 1, onnotice: () => {}, socket } as Parameters<typeof postgres>[1]);
  cleanups.push(() => sql.end({ timeout: 5 }));
  await sql`create table bare_binary (like metric_points including all)`;
  await sql`create table bare_text (like metric_points including all)`;
  return {
    binary: (b: MetricPoint[]) => copyIn(sql, "copy bare_binary (run_id, key, step, value, ts) from stdin with (format binary)", encodeBinaryCopy(1, b)),
    text: (b: MetricPoint[]) => copyIn(sql, "copy bare_text (run_id, key, step, value, ts) from stdin", encodeTextCopy(1, b)),
    truncate: () => sql`truncate bare_binary, bare_text`.then(() => {}),
  };
}

/** The read-time alternative: one query that scans the series and buckets it. */
function sqlDownsample(sql: postgres.Sql, runId: number, buckets: number) {
  return sql`
    with r as (select min(step) lo, max(step) hi from metric_points where run_id = ${runId} and key = 'loss')
    select width_bucket(p.step, r.lo, r.hi + 1, ${buckets}) b, min(p.step) step_from, max(p.step) step_to,
           min(p.value) filter (where p.value <> 'NaN') min, max(p.value) filter (where p.value <> 'NaN') max, avg(p.value) avg, count(*) n
    from metric_points p, r where p.run_id = ${runId} and p.key = 'loss' group by 1 order by 1`;
}

const ratio = (a: number, b: number) => +(a / b).toFixed(2);

async function postgresPhase(points: MetricPoint[]) {
  const tmp = await createTempDatabase("bench");
  cleanups.push(() => dropDatabase(tmp.name));
  const database = await openDatabase({ kind: "postgres", url: tmp.url });
  cleanups.push(() => database.close());
  const pg = database.raw.kind === "postgres" ? database.raw.sql : null!;
  const bare = await bareCopy(tmp.url);

  const run1000 = await newRun(database, "bench-1000");
  const [textRun, asyncRun, run10k] = [await newRun(database, "bench-text"), await newRun(database, "bench-async"), await newRun(database, "bench-10000")];
  const b1000 = await interleaved(points, 1000, {
    copy_binary: bare.binary,
    copy_text: bare.text,
    ingestMetrics: (b) => ingestMetrics(database, run1000, b),
    // Text COPY keeps the choice of binary honest; asynchronous commit shows what waiting for the WAL flush costs.
    ingest_text_copy: (b) => ingestPostgres(pg, textRun, b, { format: "text" }),
    ingest_asynchronous_commit: (b) => ingestPostgres(pg, asyncRun, b, { synchronousCommit: false }),
  });
  await bare.truncate();
  const b10k = await interleaved(points, 10_000, { copy_binary: bare.binary, copy_text: bare.text, ingestMetrics: (b) => ingestMetrics(database, run10k, b) });
  await bare.truncate();

  // Several training jobs reporting at once, each on its own run: the HTTP API's load.
  const concurrent: Record<string, number> = {};
  for (const writers of [2, 4]) {
    const runIds = await Promise.all(Array.from({ length: writers }, (_, i) => newRun(database, `bench-w${writers}-${i}`)));
    const share = points.slice(0, Math.floor(points.length / writers));
    const t0 = performance.now();
    await Promise.all(runIds.map(async (r) => { for (let i = 0; i < share.length; i += 1000) await ingestMetrics(database, r, share.slice(i, i + 1000)); }));
    concurrent[`writers_${writers}`] = Math.round((writers * share.length) / ((performance.now() - t0) / 1000));
  }

  await pg`vacuum analyze metric_points`;
  await pg`vacuum analyze metric_buckets`;
  const shape = await readSeries(database, run1000, "loss", { maxPoints: MAX_POINTS });
  const read = await p50(20, () => readSeries(database, run1000, "loss", { maxPoints: MAX_POINTS }));
  const rangeRead = await p50(20, () => readSeries(database, run1000, "loss", { from: 123_457, to: 876_543, maxPoints: MAX_POINTS }));
  const sqlRead = await p50(20, () => sqlDownsample(pg, run1000, MAX_POINTS / 2));

  const best = (b: Record<string, number>) => Math.max(b.copy_binary!, b.copy_text!);
  const [version] = await pg`select current_setting('server_version') v`;
  return {
    server_version: version!.v as string,
    batch_1000: {
      points_per_s: b1000,
      ingestMetrics_ratio_to_copy: ratio(b1000.ingestMetrics!, best(b1000)),
      asynchronous_commit_ratio_to_copy: ratio(b1000.ingest_asynchronous_commit!, best(b1000)),
    },
    batch_10000: { points_per_s: b10k, ingestMetrics_ratio_to_copy: ratio(b10k.ingestMetrics!, best(b10k)) },
    ingestMetrics_1000_ratio_to_best_copy_any_batch: ratio(b1000.ingestMetrics!, Math.max(best(b1000), best(b10k))),
    batch_1000_concurrent_runs_points_per_s: concurrent,
    read_1m_series: {
      points_returned: shape.points.length,
      buckets_returned: shape.buckets?.length ?? 0,
      readSeries: read,
      readSeries_range_mid_bucket_ends: rangeRead,
      baseline_sql_width_bucket: sqlRead,
      speedup_vs_sql: +(sqlRead.p50_ms / read.p50_ms).toFixed(1),
    },
  };
}

async function pgliteVariant(points: MetricPoint[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-bench-pglite-"));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  // initdb rather than the build's template: a template older than the migrations fails to migrate.
  const database = await openDatabase({ kind: "pglite", dir, useTemplate: false });
  cleanups.push(() => database.close());
  const out: Record<string, unknown> = { points_per_series: points.length, data_dir: "temp dir on disk" };
  const readRun = await newRun(database, "bench-1000");
  out.batch_1000_points_per_s = (await interleaved(points, 1000, { ingestMetrics: (b) => ingestMetrics(database, readRun, b) })).ingestMetrics;
  const run10k = await newRun(database, "bench-10000");
  out.batch_10000_points_per_s = (await interleaved(points, 10_000, { ingestMetrics: (b) => ingestMetrics(database, run10k, b) })).ingestMetrics;
  out.readSeries = await p50(20, () => readSeries(database, readRun, "loss", { maxPoints: MAX_POINTS }));
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

const points = makePoints(TOTAL);
try {
  const report = {
    benchmark: "metric ingestion (points/s) and chart reads (ms), against raw COPY and SQL downsampling in the same run",
    machine: { cpus: os.cpus().length, node: process.version, loadavg_at_start: os.loadavg().map((x) => +x.toFixed(2)) },
    points_per_series: TOTAL,
    targets: { ingest_points_per_s: 200_000, ingest_floor_points_per_s: 100_000, read_1m_ms: 50, read_floor_ms: 200 },
    postgres: await postgresPhase(points),
    pglite: await pgliteVariant(points.slice(0, PGLITE_TOTAL)),
  };
  const json = JSON.stringify({ ...report, loadavg_at_end: os.loadavg().map((x) => +x.toFixed(2)) }, null, 2);
  console.log(json);
  fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, "results", "metrics.json"), json + "\n");
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  clearTimeout(giveUp);
}
