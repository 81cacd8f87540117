/** Bars a column's histogram has at most. */
export const BINS = 20;
/** Values held before the first bin width is chosen from their range. */
const SEED = 1024;

export interface Histogram {
  /** The first bar's lower edge; each bar is `width` wide, lower edge included. */
  lo: number;
  width: number;
  counts: number[];
}

/**
 * An exact equal-width histogram built in one pass over values of unknown range: bars are
 * aligned to multiples of their width, and a value outside them doubles the width (merging
 * bars pairwise) until it fits. The width is seeded from the first values' range, so a
 * column is never re-read.
 */
export class StreamingHistogram {
  private seed: number[] = [];
  private width = 0;
  /** Index (in widths) of counts[0]. */
  private origin = 0;
  private counts: number[] = [];

  constructor(private readonly integers: () => boolean) {}

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    if (this.width === 0) {
      this.seed.push(x);
      if (this.seed.length >= SEED) this.start();
      return;
    }
    this.place(x);
  }

  private start() {
    let min = Infinity;
    let max = -Infinity;
    for (const x of this.seed) (min = Math.min(min, x)), (max = Math.max(max, x));
    const span = max - min;
    // a power of two: doubling keeps bar edges on round multiples
    let width = span > 0 ? 2 ** Math.ceil(Math.log2(span / BINS)) : 2 ** Math.floor(Math.log2(Math.abs(min) || 1));
    if (this.integers() && width < 1) width = 1;
    if (span > 0 && Math.floor(max / width) - Math.floor(min / width) >= BINS) width *= 2;
    this.width = width;
    this.origin = Math.floor(min / width);
    this.counts = new Array(BINS).fill(0);
    const seed = this.seed;
    this.seed = [];
    for (const x of seed) this.place(x);
  }

  private place(x: number) {
    let k = Math.floor(x / this.width);
    while (k < this.origin || k >= this.origin + BINS) {
      this.grow(k);
      k = Math.floor(x / this.width);
    }
    this.counts[k - this.origin]!++;
  }

  /** Doubles the width; the new origin keeps the old bars and leans toward `toward`. */
  private grow(toward: number) {
    const oldOrigin = this.origin;
    const old = this.counts;
    this.width *= 2;
    let origin = Math.floor(oldOrigin / 2);
    if (toward < oldOrigin) origin = Math.max(Math.floor(toward / 2), Math.floor((oldOrigin + BINS - 1) / 2) - BINS + 1);
    this.origin = origin;
    this.counts = new Array(BINS).fill(0);
    old.forEach((n, i) => {
      if (n) this.counts[Math.floor((oldOrigin + i) / 2) - origin]! += n;
    });
  }

  result(): Histogram | null {
    if (this.width === 0) {
      if (this.seed.length === 0) return null;
      this.start();
    }
    let first = this.counts.findIndex((n) => n > 0);
    let last = this.counts.length - 1;
    while (last > first && this.counts[last] === 0) last--;
    if (first < 0) first = last = 0;
    return { lo: (this.origin + first) * this.width, width: this.width, counts: this.counts.slice(first, last + 1) };
  }
}
