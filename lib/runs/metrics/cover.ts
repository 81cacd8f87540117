import { BASE_STEPS, FANOUT } from "./levels";

export interface Cover {
  /** Whole buckets lying inside the range, at levels up to maxLevel. */
  blocks: { level: number; bucket: number }[];
  /** Inclusive step ranges no whole level-0 bucket covers, under 2 * 256 steps in all: read from the points. */
  raw: [number, number][];
}

/**
 * Splits the steps [a, b] into as few whole summary buckets as the pyramid allows, plus at
 * most two short runs of raw steps at its ends: an exact min/max over any range then reads at
 * most 2 * (FANOUT - 1) rows per level and under 2 * 256 steps of points, however long it is.
 */
export function coverRange(a: number, b: number, maxLevel: number): Cover {
  const blocks: Cover["blocks"] = [];
  const raw: Cover["raw"] = [];
  let lo = Math.ceil(a / BASE_STEPS);
  let hi = Math.floor((b + 1) / BASE_STEPS) - 1;
  if (maxLevel < 0 || lo > hi) return { blocks, raw: [[a, b]] };
  if (a < lo * BASE_STEPS) raw.push([a, lo * BASE_STEPS - 1]);
  if ((hi + 1) * BASE_STEPS - 1 < b) raw.push([(hi + 1) * BASE_STEPS, b]);
  for (let level = 0; lo <= hi; level++) {
    if (level === maxLevel) {
      for (let x = lo; x <= hi; x++) blocks.push({ level, bucket: x });
      break;
    }
    // Peel buckets off both ends until what is left is whole buckets of the next level.
    while (lo <= hi && mod(lo, FANOUT) !== 0) blocks.push({ level, bucket: lo++ });
    while (lo <= hi && mod(hi + 1, FANOUT) !== 0) blocks.push({ level, bucket: hi-- });
    lo = lo / FANOUT;
    hi = (hi + 1) / FANOUT - 1;
  }
  return { blocks, raw };
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
