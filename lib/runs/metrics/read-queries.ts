import { and, asc, between, eq, or, sql, type SQL } from "drizzle-orm";
import { rowsOf } from "../../db";
import type { Db } from "../../db/types";
import { metricBuckets, metricPoints } from "../../db/schema";
import { LEVELS, bucketSteps } from "./levels";
import type { Summary } from "./summary";

export interface LevelCount {
  /** Buckets of this level that overlap the range. */
  buckets: number;
  /** Points in those buckets. */
  points: number;
  /** Level 0 only: points in its first and last bucket, which may stick out of the range. */
  edgePoints: number;
}

const series = (runId: number, key: string) => and(eq(metricBuckets.runId, runId), eq(metricBuckets.key, key));

/** Bucket and point counts per level over [from, to] (null: unbounded): one index range scan. */
export async function countLevels(db: Db, runId: number, key: string, from: number | null, to: number | null): Promise<LevelCount[]> {
  const ranges: SQL[] = [];
  for (let level = 0; level < LEVELS; level++) {
    const [lo, hi] = bucketRange(level, from, to);
    ranges.push(and(eq(metricBuckets.level, level), between(metricBuckets.bucket, lo, hi))!);
  }
  const [lo0, hi0] = bucketRange(0, from, to);
  const rows = await db
    .select({
      level: metricBuckets.level,
      buckets: sql<number>`count(*)::int`,
      points: sql<number>`sum(${metricBuckets.count})::float8`.mapWith(Number),
      edgePoints: sql<number>`coalesce(sum(${metricBuckets.count}) filter (where ${metricBuckets.level} = 0 and ${metricBuckets.bucket} in (${lo0}::bigint, ${hi0}::bigint)), 0)::float8`.mapWith(Number),
    })
    .from(metricBuckets)
    .where(and(series(runId, key), from === null && to === null ? undefined : or(...ranges)))
    .groupBy(metricBuckets.level);
  const out: LevelCount[] = Array.from({ length: LEVELS }, () => ({ buckets: 0, points: 0, edgePoints: 0 }));
  for (const r of rows) if (r.level >= 0 && r.level < LEVELS) out[r.level] = r;
  return out;
}

/** The buckets of one level overlapping [from, to]. */
export function bucketRange(level: number, from: number | null, to: number | null): [number, number] {
  const size = bucketSteps(level);
  return [from === null ? Number.MIN_SAFE_INTEGER : Math.floor(from / size), to === null ? Number.MAX_SAFE_INTEGER : Math.floor(to / size)];
}

export async function bucketsOfLevel(db: Db, runId: number, key: string, level: number, lo: number, hi: number) {
  return db
    .select({ bucket: metricBuckets.bucket, min: metricBuckets.min, max: metricBuckets.max, sum: metricBuckets.sum, count: metricBuckets.count })
    .from(metricBuckets)
    .where(and(series(runId, key), eq(metricBuckets.level, level), between(metricBuckets.bucket, lo, hi)))
    .orderBy(asc(metricBuckets.bucket));
}

/** Named buckets, keyed `level:bucket`; absent ones hold no points. */
export async function bucketsByName(db: Db, runId: number, key: string, names: { level: number; bucket: number }[]): Promise<Map<string, Summary>> {
  const out = new Map<string, Summary>();
  if (names.length === 0) return out;
  const list = sql.join(names.map((n) => sql`(${n.level}::int, ${n.bucket}::bigint)`), sql`, `);
  const rows = await db
    .select({ level: metricBuckets.level, bucket: metricBuckets.bucket, min: metricBuckets.min, max: metricBuckets.max, sum: metricBuckets.sum, count: metricBuckets.count })
    .from(metricBuckets)
    .where(and(series(runId, key), sql`(${metricBuckets.level}, ${metricBuckets.bucket}) in (${list})`));
  for (const r of rows) out.set(`${r.level}:${r.bucket}`, r);
  return out;
}

/** Points in any of the inclusive step ranges, in step order; at most `limit` of them. */
export async function pointsIn(db: Db, runId: number, key: string, ranges: [number, number][], limit?: number) {
  const q = db
    .select({ step: metricPoints.step, value: metricPoints.value, ts: metricPoints.ts })
    .from(metricPoints)
    .where(and(eq(metricPoints.runId, runId), eq(metricPoints.key, key), or(...ranges.map(([a, b]) => between(metricPoints.step, a, b)))))
    .orderBy(asc(metricPoints.step));
  return limit === undefined ? q : q.limit(limit);
}

/**
 * When the first point at or after each step was logged: a downsampled bucket's time on a
 * chart's time axis. One index probe per step (a lateral join), never a scan of the points.
 */
export async function firstTimesFrom(db: Db, runId: number, key: string, steps: number[]): Promise<Map<number, Date>> {
  const out = new Map<number, Date>();
  if (steps.length === 0) return out;
  const list = sql.join(steps.map((s) => sql`(${s}::bigint)`), sql`, `);
  const rows = await db.execute(sql`
    select s.step_from as step, p.ts as ts
    from (values ${list}) as s(step_from)
    cross join lateral (
      select ${metricPoints.ts} as ts from ${metricPoints}
      where ${metricPoints.runId} = ${runId} and ${metricPoints.key} = ${key} and ${metricPoints.step} >= s.step_from
      order by ${metricPoints.step} limit 1
    ) p`);
  for (const r of rowsOf<{ step: unknown; ts: unknown }>(rows)) out.set(Number(r.step), r.ts instanceof Date ? r.ts : new Date(String(r.ts)));
  return out;
}
