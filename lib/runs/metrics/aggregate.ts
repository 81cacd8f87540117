import { FANOUT, LEVELS, bucketSteps } from "./levels";
import { addSummary, addValue, emptySummary, type Summary } from "./summary";
import type { MetricPoint } from "./types";

export interface BucketDelta extends Summary {
  key: string;
  level: number;
  bucket: number;
}

export interface SeriesDelta extends Summary {
  key: string;
  /** The value at the highest step in the batch; the later point wins a tie. */
  last: number;
  lastStep: number;
}

/**
 * Folds a batch into one delta per (key, level, bucket) and one per key, so a batch of 1000
 * points becomes a few dozen upserts. Rows come out sorted by key, level, bucket: every
 * writer then locks summary rows in the same order, and two batches cannot deadlock.
 */
export function aggregateBatch(points: readonly MetricPoint[]): { buckets: BucketDelta[]; series: SeriesDelta[] } {
  const perKey = new Map<string, { level0: Map<number, Summary>; series: SeriesDelta }>();
  const size0 = bucketSteps(0);
  let lastKey: string | undefined;
  let current: { level0: Map<number, Summary>; series: SeriesDelta } | undefined;
  let lastBucket = NaN;
  let lastSummary: Summary | undefined;
  for (const p of points) {
    if (p.key !== lastKey || !current) {
      current = perKey.get(p.key);
      if (!current) {
        const series: SeriesDelta = { key: p.key, ...emptySummary(), last: p.value, lastStep: p.step };
        current = { level0: new Map(), series };
        perKey.set(p.key, current);
      }
      lastKey = p.key;
      lastBucket = NaN;
    }
    // Points usually arrive in step order: most land in the bucket of the point before.
    const b = Math.floor(p.step / size0);
    if (b !== lastBucket || !lastSummary) {
      lastSummary = current.level0.get(b);
      if (!lastSummary) current.level0.set(b, (lastSummary = emptySummary()));
      lastBucket = b;
    }
    addValue(lastSummary, p.value);
    const s = current.series;
    addValue(s, p.value);
    if (p.step >= s.lastStep) {
      s.lastStep = p.step;
      s.last = p.value;
    }
  }

  const buckets: BucketDelta[] = [];
  const series: SeriesDelta[] = [];
  for (const key of [...perKey.keys()].sort()) {
    const k = perKey.get(key)!;
    series.push(k.series);
    let level = [...k.level0.entries()].sort((a, b) => a[0] - b[0]);
    for (let L = 0; L < LEVELS; L++) {
      for (const [bucket, s] of level) buckets.push({ key, level: L, bucket, ...s });
      level = rollUp(level);
    }
  }
  return { buckets, series };
}

/** Four consecutive buckets of one level make one of the next; input and output sorted. */
function rollUp(level: [number, Summary][]): [number, Summary][] {
  const up: [number, Summary][] = [];
  for (const [bucket, s] of level) {
    const parent = Math.floor(bucket / FANOUT);
    const tail = up[up.length - 1];
    if (tail && tail[0] === parent) addSummary(tail[1], s);
    else up.push([parent, { ...s }]);
  }
  return up;
}
