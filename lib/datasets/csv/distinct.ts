/** Exact counts up to this many distinct values per column; past it, a HyperLogLog estimate. */
export const EXACT_DISTINCT = 10_000;
/** 2^12 registers: about 1.6% standard error, 4 KiB per column, only once a column overflows. */
const P = 12;
const M = 1 << P;

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so every bit is mixed. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Distinct values of a column and how often each occurs, exactly while they fit in
 * EXACT_DISTINCT; then only a HyperLogLog (Flajolet et al., with linear counting for
 * small ranges) keeps counting, in bounded memory whatever the file's size.
 */
export class DistinctCounter {
  private counts: Map<string, number> | null = new Map();
  private registers: Uint8Array | null = null;

  add(v: string): void {
    if (this.counts) {
      const n = this.counts.get(v);
      if (n !== undefined) return void this.counts.set(v, n + 1);
      if (this.counts.size < EXACT_DISTINCT) return void this.counts.set(v, 1);
      this.registers = new Uint8Array(M);
      for (const k of this.counts.keys()) this.addHash(k);
      this.counts = null;
    }
    this.addHash(v);
  }

  private addHash(v: string) {
    const h = hash32(v);
    const j = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers![j]!) this.registers![j] = rank;
  }

  get exact(): boolean {
    return this.counts !== null;
  }

  count(): number {
    if (this.counts) return this.counts.size;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers!) (sum += 2 ** -r), r === 0 && zeros++;
    const estimate = ((0.7213 / (1 + 1.079 / M)) * M * M) / sum;
    return Math.round(estimate <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : estimate);
  }

  /** The most frequent values, when the counts are exact. */
  top(n: number): { value: string; count: number }[] | null {
    if (!this.counts) return null;
    return [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([value, count]) => ({ value, count }));
  }
}
