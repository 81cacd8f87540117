import { asc, eq } from "drizzle-orm";
import { runMetrics } from "../../db/schema";
import type { Database } from "../../db/types";
import { ValidationError } from "../../errors";
import { exactSummaries } from "./edges";
import { LEVELS, bucketSteps } from "./levels";
import { bucketRange, bucketsOfLevel, countLevels, firstTimesFrom, pointsIn } from "./read-queries";
import { addSummary, emptySummary, type Summary } from "./summary";
import type { ReadSeriesOptions, Series, SeriesBucket, SeriesPoint } from "./types";

export type SeriesSummaryRow = typeof runMetrics.$inferSelect;

/** Every series a run has logged, with its last value and range. */
export async function listSeries(database: Database, runId: number): Promise<SeriesSummaryRow[]> {
  return database.db.select().from(runMetrics).where(eq(runMetrics.runId, runId)).orderBy(asc(runMetrics.key));
}

/**
 * A series for a chart: its points while they fit in maxPoints, else min/max per bucket from
 * the lowest summary level with at most maxPoints/2 buckets in range. Never reads more than
 * maxPoints + 1 points or a few thousand summary rows, however long the series is.
 */
export async function readSeries(database: Database, runId: number, key: string, opts: ReadSeriesOptions = {}): Promise<Series> {
  const maxPoints = opts.maxPoints ?? 2000;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new ValidationError("maxPoints must be an integer of at least 2", "maxPoints");
  const from = opts.from ?? null;
  const to = opts.to ?? null;
  for (const [name, v] of [["from", from], ["to", to]] as const)
    if (v !== null && !Number.isSafeInteger(v)) throw new ValidationError(`${name} must be an integer step`, name);
  const db = database.db;
  if (from !== null && to !== null && from > to) return { key, points: [], downsampled: false };

  const levels = await countLevels(db, runId, key, from, to);
  const level0 = levels[0]!;
  if (level0.points === 0) return { key, points: [], downsampled: false };
  // Level 0's count is exact unless from/to cut its end buckets; then the points in range lie
  // between its interior count and its full count, and only reading them tells.
  const cut = from !== null || to !== null;
  if (level0.points - (cut ? level0.edgePoints : 0) <= maxPoints) {
    const raw = await pointsIn(db, runId, key, [[from ?? Number.MIN_SAFE_INTEGER, to ?? Number.MAX_SAFE_INTEGER]], maxPoints + 1);
    if (raw.length <= maxPoints) return { key, points: raw, downsampled: false };
  }

  const half = Math.floor(maxPoints / 2);
  let level = levels.findIndex((l) => l.buckets <= half);
  if (level < 0) level = LEVELS - 1;
  const buckets = mergeAdjacent(await bucketsInRange(database, runId, key, level, from, to), half).map(toSeriesBucket);
  if (opts.withTime) {
    const times = await firstTimesFrom(db, runId, key, buckets.map((b) => b.step_from));
    for (const b of buckets) b.ts = times.get(b.step_from);
  }
  return { key, downsampled: true, buckets, points: buckets.flatMap(barPoints) };
}

interface Bar {
  stepFrom: number;
  stepTo: number;
  summary: Summary;
}

/** The level's buckets over [from, to], the end ones recomputed exactly where the range cuts them. */
async function bucketsInRange(database: Database, runId: number, key: string, level: number, from: number | null, to: number | null): Promise<Bar[]> {
  const size = bucketSteps(level);
  const [lo, hi] = bucketRange(level, from, to);
  const cuts: [number, number][] = [];
  if (from !== null && from > lo * size) cuts.push([from, Math.min(to ?? Infinity, lo * size + size - 1)]);
  if (to !== null && to < hi * size + size - 1 && !(lo === hi && cuts.length)) cuts.push([Math.max(from ?? -Infinity, hi * size), to]);
  const [rows, exact] = await Promise.all([
    bucketsOfLevel(database.db, runId, key, level, lo, hi),
    exactSummaries(database.db, runId, key, cuts, level),
  ]);
  const exactByBucket = new Map(cuts.map(([a], i) => [Math.floor(a / size), exact[i]!]));
  const bars: Bar[] = [];
  for (const row of rows) {
    const summary = exactByBucket.get(row.bucket) ?? row;
    if (summary.count === 0) continue;
    bars.push({ stepFrom: Math.max(from ?? -Infinity, row.bucket * size), stepTo: Math.min(to ?? Infinity, row.bucket * size + size - 1), summary });
  }
  return bars;
}

/** Only past the top level can buckets still outnumber what was asked for: join neighbours. */
function mergeAdjacent(bars: Bar[], most: number): Bar[] {
  if (bars.length <= most) return bars;
  const per = Math.ceil(bars.length / most);
  const out: Bar[] = [];
  for (let i = 0; i < bars.length; i += per) {
    const group = bars.slice(i, i + per);
    const summary = emptySummary();
    for (const b of group) addSummary(summary, b.summary);
    out.push({ stepFrom: group[0]!.stepFrom, stepTo: group.at(-1)!.stepTo, summary });
  }
  return out;
}

function toSeriesBucket({ stepFrom, stepTo, summary: s }: Bar): SeriesBucket {
  // sum leaves NaN out but count does not: a bucket of nothing but NaN has no average.
  const avg = s.min === s.min ? s.sum / s.count : NaN;
  return { step_from: stepFrom, step_to: stepTo, min: s.min, max: s.max, avg, count: s.count };
}

/**
 * A bucket as two points, its min then its max, both at its middle step: where in the bucket
 * each fell is not kept, so a chart draws one vertical bar per bucket.
 */
function barPoints(b: SeriesBucket): SeriesPoint[] {
  const step = Math.floor((b.step_from + b.step_to) / 2);
  return [
    { step, value: b.min },
    { step, value: b.max },
  ];
}
