/**
 * The summary pyramid in metric_buckets: level L holds buckets of 256 * 4^L steps, so a
 * level-L+1 bucket is exactly four level-L buckets and bucket(L+1) = floor(bucket(L) / 4).
 */
export const LEVELS = 7;
export const BASE_STEPS = 256;
export const FANOUT = 4;

export function bucketSteps(level: number): number {
  return BASE_STEPS * FANOUT ** level;
}
