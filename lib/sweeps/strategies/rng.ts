/**
 * Seeded random numbers. A strategy draws trial n's numbers from `rng(seed, n)`, never from
 * a generator shared across trials, so a sweep restarted after a crash replays the same
 * suggestions whatever order its trials finished in.
 */

/** A generator of numbers in [0, 1), the same sequence for the same seed and streams. */
export type Random = () => number;

/** murmur3's finalizer: spreads nearby inputs (seeds 1, 2, 3; trials 0, 1, 2) far apart. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Any number may be a seed (negative, fractional, above 2^32): hash all 64 bits of it.
const bits = new DataView(new ArrayBuffer(8));
function hashNumber(h: number, x: number): number {
  bits.setFloat64(0, x, true);
  h = mix32(h ^ bits.getUint32(0, true));
  return mix32((h + 0x9e3779b9) ^ bits.getUint32(4, true));
}

/** mulberry32 (a 32-bit state, period 2^32): plenty for the few hundred draws of a suggestion. */
export function rng(seed: number, ...streams: number[]): Random {
  let state = hashNumber(0x2545f491, seed);
  for (const s of streams) state = hashNumber(state, s);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
