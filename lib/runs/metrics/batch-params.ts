import type { BucketDelta, SeriesDelta } from "./aggregate";
import { numberArray, textArray } from "./literals";

/** Parameters of UPSERT_SUMMARIES, in its order. */
export function summaryParams(runId: number, buckets: readonly BucketDelta[], series: readonly SeriesDelta[]): (number | string)[] {
  return [
    runId,
    textArray(buckets.map((b) => b.key)),
    numberArray(buckets.map((b) => b.level)),
    numberArray(buckets.map((b) => b.bucket)),
    numberArray(buckets.map((b) => b.min)),
    numberArray(buckets.map((b) => b.max)),
    numberArray(buckets.map((b) => b.sum)),
    numberArray(buckets.map((b) => b.count)),
    textArray(series.map((s) => s.key)),
    numberArray(series.map((s) => s.last)),
    numberArray(series.map((s) => s.lastStep)),
    numberArray(series.map((s) => s.min)),
    numberArray(series.map((s) => s.max)),
    numberArray(series.map((s) => s.count)),
  ];
}
