/**
 * min/max/sum/count of a set of values, the shape of a metric_buckets row. NaN is a value a
 * run may log (a diverged loss) but has no place in a range: min and max skip it, and so
 * does sum, so one NaN does not turn a bucket's average into NaN. count counts every point.
 * A summary of nothing but NaN keeps min = max = NaN (the columns are NOT NULL).
 */
export interface Summary {
  min: number;
  max: number;
  sum: number;
  count: number;
}

export function emptySummary(): Summary {
  return { min: NaN, max: NaN, sum: 0, count: 0 };
}

export function addValue(s: Summary, v: number): void {
  s.count++;
  if (v !== v) return; // NaN
  s.sum += v;
  // `!(s.min <= v)` is also true while s.min is still NaN.
  if (!(s.min <= v)) s.min = v;
  if (!(s.max >= v)) s.max = v;
}

export function addSummary(s: Summary, o: Summary): void {
  s.count += o.count;
  s.sum += o.sum;
  if (!(s.min <= o.min) && o.min === o.min) s.min = o.min;
  if (!(s.max >= o.max) && o.max === o.max) s.max = o.max;
}
