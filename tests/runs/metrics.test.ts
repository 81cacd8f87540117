import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { metricBuckets, metricPoints, runMetrics, runs, users } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { ValidationError } from "../../lib/errors";
import { ingestMetrics, listSeries, readSeries, type MetricPoint, type SeriesBucket } from "../../lib/runs/metrics";
import { coverRange } from "../../lib/runs/metrics/cover";
import { ingestPglite } from "../../lib/runs/metrics/ingest-pglite";
import { ingestPostgres } from "../../lib/runs/metrics/ingest-postgres";
import { bucketSteps } from "../../lib/runs/metrics/levels";
import { backends } from "../db/backends";

/** Deterministic noise, so a failure replays the same way. */
function noise(seed: number) {
  let x = seed >>> 0 || 1;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function series(key: string, steps: number[], value: (step: number) => number): MetricPoint[] {
  const t0 = Date.UTC(2026, 0, 1);
  return steps.map((step) => ({ key, step, value: value(step), ts: new Date(t0 + step * 10) }));
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const random = noise(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(((random() + 1) / 2) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function ingestInBatches(database: Database, runId: number, points: MetricPoint[], size = 1000) {
  for (let i = 0; i < points.length; i += size) await ingestMetrics(database, runId, points.slice(i, i + size));
}

/** Each bucket's min, max and count against the points whose steps it spans. */
function expectBucketsTrue(buckets: SeriesBucket[], points: MetricPoint[]) {
  const sorted = [...points].sort((a, b) => a.step - b.step);
  let i = 0;
  for (const b of buckets) {
    while (i < sorted.length && sorted[i]!.step < b.step_from) i++;
    const inside: number[] = [];
    for (let j = i; j < sorted.length && sorted[j]!.step <= b.step_to; j++) inside.push(sorted[j]!.value);
    expect(b.count).toBe(inside.length);
    expect(b.min).toBe(Math.min(...inside));
    expect(b.max).toBe(Math.max(...inside));
  }
}

test("a step range is covered exactly once by whole buckets and short runs of raw steps", () => {
  const random = noise(9);
  for (let i = 0; i < 200; i++) {
    const a = Math.floor(random() * 3_000_000);
    const b = a + Math.floor(Math.abs(random()) * 10 ** (2 + (i % 5)));
    const maxLevel = i % 7;
    const { blocks, raw } = coverRange(a, b, maxLevel);
    const pieces = [
      ...blocks.map(({ level, bucket }) => [bucket * bucketSteps(level), (bucket + 1) * bucketSteps(level) - 1] as const),
      ...raw,
    ].sort((x, y) => x[0] - y[0]);
    expect(pieces[0]![0]).toBe(a);
    expect(pieces.at(-1)![1]).toBe(b);
    const gapOrOverlap = pieces.findIndex((p, j) => j > 0 && p[0] !== pieces[j - 1]![1] + 1);
    expect(gapOrOverlap).toBe(-1);
    expect(blocks.every((x) => x.level <= maxLevel)).toBe(true);
    expect(raw.reduce((n, [x, y]) => n + y - x + 1, 0)).toBeLessThan(2 * bucketSteps(0));
    expect(blocks.length).toBeLessThanOrEqual(6 * maxLevel + 2 * 3 + Math.ceil((b - a + 1) / bucketSteps(maxLevel)));
  }
});

describe.each(backends)("metric series on $name", (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ database, dispose } = await backend.fresh());
  });
  afterAll(async () => dispose());

  async function newRun(): Promise<number> {
    const [user] = await database.db.insert(users).values({ name: `metrics-${++n}` }).returning();
    const [run] = await database.db
      .insert(runs)
      .values({ ownerId: user!.id, notebookName: "train.ipynb", notebookRevision: 1, kind: "batch", status: "running", image: "kiln/python", resources: { cpu: 1, memory_mb: 512, gpus: 0, gpu_ids: [] } })
      .returning();
    return run!.id;
  }

  test("100 points of `loss` come back exactly, in step order", async () => {
    const runId = await newRun();
    const odd = [0.1 + 0.2, -0, 5e-324, Number.MAX_VALUE, -1e-300, Math.PI, 1 / 3];
    const random = noise(7);
    const points = series("loss", range(0, 99), (s) => odd[s] ?? random() * 10 ** (s % 20));
    // Arrival order is not step order.
    await ingestMetrics(database, runId, [...points.slice(50), ...points.slice(0, 50)].reverse());
    const got = await readSeries(database, runId, "loss");
    expect(got.downsampled).toBe(false);
    expect(got.points).toEqual(points.map((p) => ({ step: p.step, value: p.value, ts: p.ts })));
    expect(Object.is(got.points[1]!.value, -0)).toBe(true);
  });

  test("keys keep quotes, tabs, backslashes and unicode; a run's series are listed", async () => {
    const runId = await newRun();
    const odd = 'val/acc "q" \\ ü\t🔥 {x,y}';
    await ingestMetrics(database, runId, [...series(odd, [1, 2], (s) => s), ...series("loss", [1], () => 0.5)]);
    expect((await readSeries(database, runId, odd)).points.map((p) => p.value)).toEqual([1, 2]);
    expect((await listSeries(database, runId)).map((r) => r.key)).toEqual(["loss", odd].sort());
  });

  test("the run's summary holds the value at the highest step, and min, max and count, whatever the arrival order", async () => {
    const runId = await newRun();
    const value = (s: number) => Math.cos(s / 7) * (s + 1);
    const all = series("loss", range(0, 999), value);
    const shuffled = shuffle(all, 3);
    await ingestMetrics(database, runId, all.slice(600)); // the highest steps first
    await ingestMetrics(database, runId, shuffled.filter((p) => p.step < 600));
    const [row] = await listSeries(database, runId);
    const values = all.map((p) => p.value);
    expect(row).toMatchObject({ key: "loss", last: value(999), lastStep: 999, min: Math.min(...values), max: Math.max(...values), count: 1000 });
  });

  test("NaN is stored and counted but never becomes a min or max; infinities do", async () => {
    const runId = await newRun();
    const values = [1, NaN, -2, Infinity, NaN, 3];
    await ingestMetrics(database, runId, series("loss", range(0, 5), (s) => values[s]!));
    await ingestMetrics(database, runId, series("loss", [6], () => NaN));
    await ingestMetrics(database, runId, series("diverged", [0, 1], () => NaN));
    const rows = await listSeries(database, runId);
    expect(rows.find((r) => r.key === "loss")).toMatchObject({ min: -2, max: Infinity, count: 7, lastStep: 6, last: NaN });
    expect(rows.find((r) => r.key === "diverged")).toMatchObject({ min: NaN, max: NaN, count: 2 });
    const buckets = await database.db.select().from(metricBuckets).where(and(eq(metricBuckets.runId, runId), eq(metricBuckets.key, "loss")));
    expect(buckets.length).toBe(7); // one bucket per level
    for (const b of buckets) expect(b).toMatchObject({ min: -2, max: Infinity, count: 7 });
    expect((await readSeries(database, runId, "loss")).points.map((p) => p.value)).toEqual([...values, NaN]);
  });

  test("a 200,000-point series comes back as at most 2000 points whose bars hold the true min and max", async () => {
    const runId = await newRun();
    const random = noise(11);
    const points = series("loss", range(0, 199_999), (s) => Math.exp(-s / 50_000) + random() * 0.1);
    await ingestInBatches(database, runId, points);
    const got = await readSeries(database, runId, "loss", { maxPoints: 2000 });
    expect(got.downsampled).toBe(true);
    expect(got.points.length).toBeLessThanOrEqual(2000);
    expect(got.points.length).toBe(2 * got.buckets!.length);
    expect(got.buckets!.reduce((a, b) => a + b.count, 0)).toBe(200_000);
    expectBucketsTrue(got.buckets!, points);
    const steps = got.points.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));

    // A coarse level, its end bars rebuilt from buckets of several finer levels.
    const [from, to] = [12_345, 190_000];
    const coarse = await readSeries(database, runId, "loss", { from, to, maxPoints: 20 });
    expect(coarse.points.length).toBeLessThanOrEqual(20);
    expect(coarse.buckets!.reduce((a, b) => a + b.count, 0)).toBe(to - from + 1);
    expectBucketsTrue(coarse.buckets!, points.filter((p) => p.step >= from && p.step <= to));
  });

  test("two batches for one run ingested at once lose no counts", async () => {
    const runId = await newRun();
    const rounds = 5;
    for (let r = 0; r < rounds; r++) {
      // Same buckets, same series, keys in opposite orders: the upserts collide on every row.
      const steps = range(r * 2000, r * 2000 + 1999);
      const a = [...series("a", steps.filter((s) => s % 2 === 0), (s) => s), ...series("b", steps.filter((s) => s % 2 === 0), (s) => 0 - s)];
      const b = [...series("b", steps.filter((s) => s % 2 === 1), (s) => 0 - s), ...series("a", steps.filter((s) => s % 2 === 1), (s) => s)];
      await Promise.all([ingestMetrics(database, runId, a), ingestMetrics(database, runId, b)]);
    }
    const total = rounds * 2000;
    const rows = await listSeries(database, runId);
    expect(rows.map((r) => [r.key, r.count, r.min, r.max, r.lastStep])).toEqual([
      ["a", total, 0, total - 1, total - 1],
      ["b", total, -(total - 1), 0, total - 1],
    ]);
    const perLevel = await database.db
      .select({ key: metricBuckets.key, level: metricBuckets.level, n: sql<number>`sum(${metricBuckets.count})::int` })
      .from(metricBuckets)
      .where(eq(metricBuckets.runId, runId))
      .groupBy(metricBuckets.key, metricBuckets.level);
    expect(perLevel.length).toBe(14);
    for (const l of perLevel) expect(l.n).toBe(total);
    const [stored] = await database.db.select({ n: sql<number>`count(*)::int` }).from(metricPoints).where(eq(metricPoints.runId, runId));
    expect(stored!.n).toBe(2 * total);
  });

  test("for a chart with time on x, each downsampled bucket carries the time its first point was logged", async () => {
    const runId = await newRun();
    const points = series("acc", range(0, 9_999), (s) => s % 97);
    await ingestInBatches(database, runId, shuffle(points, 3), 2500);
    const plain = await readSeries(database, runId, "acc", { maxPoints: 100 });
    expect(plain.downsampled).toBe(true);
    expect(plain.buckets!.every((b) => b.ts === undefined)).toBe(true); // only when asked: it costs an index probe per bucket
    const timed = await readSeries(database, runId, "acc", { maxPoints: 100, withTime: true });
    const byStep = new Map(points.map((p) => [p.step, p.ts.getTime()]));
    for (const b of timed.buckets!) expect(b.ts?.getTime()).toBe(byStep.get(b.step_from));
  });

  test("a step range returns only points in range, raw and downsampled", async () => {
    const runId = await newRun();
    const random = noise(5);
    const points = series("loss", range(0, 49_999), () => random());
    await ingestInBatches(database, runId, points, 10_000);

    const raw = await readSeries(database, runId, "loss", { from: 1000, to: 1099 });
    expect(raw.downsampled).toBe(false);
    expect(raw.points.map((p) => p.step)).toEqual(range(1000, 1099));

    // Both ends fall mid-bucket: the end bars are recomputed from what lies in range.
    const from = 12_345;
    const to = 41_001;
    const down = await readSeries(database, runId, "loss", { from, to, maxPoints: 200 });
    expect(down.downsampled).toBe(true);
    expect(down.points.length).toBeLessThanOrEqual(200);
    for (const p of down.points) expect(p.step >= from && p.step <= to).toBe(true);
    expect(down.buckets![0]!.step_from).toBe(from);
    expect(down.buckets!.at(-1)!.step_to).toBe(to);
    expect(down.buckets!.reduce((a, b) => a + b.count, 0)).toBe(to - from + 1);
    expectBucketsTrue(down.buckets!, points.filter((p) => p.step >= from && p.step <= to));

    expect(await readSeries(database, runId, "loss", { from: 60_000 })).toEqual({ key: "loss", points: [], downsampled: false });
  });

  test("a sparse series wider than the coarsest buckets still fits in maxPoints", async () => {
    const runId = await newRun();
    const steps = [0, 1, 3_000_000, 7_000_000, 9_000_000_000];
    await ingestMetrics(database, runId, series("loss", steps, (s) => s % 7));
    const got = await readSeries(database, runId, "loss", { maxPoints: 4 });
    expect(got.downsampled).toBe(true);
    expect(got.points.length).toBeLessThanOrEqual(4);
    expect(got.buckets!.reduce((a, b) => a + b.count, 0)).toBe(steps.length);
    expect(Math.min(...got.buckets!.map((b) => b.min))).toBe(0);
    expect(Math.max(...got.buckets!.map((b) => b.max))).toBe(Math.max(...steps.map((s) => s % 7)));
  });

  test("a batch with a fractional step or an invalid date is refused whole", async () => {
    const runId = await newRun();
    const bad = [...series("loss", [1, 2], (s) => s), { key: "loss", step: 2.5, value: 1, ts: new Date() }];
    await expect(ingestMetrics(database, runId, bad)).rejects.toBeInstanceOf(ValidationError);
    await expect(ingestMetrics(database, runId, [{ key: "loss", step: 3, value: 1, ts: new Date(NaN) }])).rejects.toBeInstanceOf(ValidationError);
    expect(await database.db.select().from(runMetrics).where(eq(runMetrics.runId, runId))).toEqual([]);
  });

  test("a batch the database rejects fails whole and leaves the database usable", async () => {
    const runId = await newRun();
    // A NUL in a key gets through the binary encoder and fails inside COPY, after CopyDone:
    // the case postgres.js never settles by itself. More failures than the pool has connections.
    const bad = series("a\0b", [1], () => 1);
    const ingestUnchecked = (points: MetricPoint[]) =>
      database.raw.kind === "postgres" ? ingestPostgres(database.raw.sql, runId, points) : ingestPglite(database.raw.client, runId, points);
    for (let i = 0; i < 12; i++) await expect(ingestUnchecked(bad)).rejects.toThrow(/invalid byte sequence/);
    await ingestMetrics(database, runId, series("loss", [1, 2], (s) => s));
    expect((await listSeries(database, runId)).map((r) => [r.key, r.count])).toEqual([["loss", 2]]);
    const [stored] = await database.db.select({ n: sql<number>`count(*)::int` }).from(metricPoints).where(eq(metricPoints.runId, runId));
    expect(stored!.n).toBe(2);
  });
});
