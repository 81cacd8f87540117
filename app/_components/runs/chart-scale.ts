/** The small bits of scale maths the SVG charts need (no chart library). */

export interface Domain {
  min: number;
  max: number;
}

/** A domain that is never empty: a flat series gets some room above and below. */
export function padded(min: number, max: number): Domain {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1 };
  if (min === max) {
    const d = Math.abs(min) * 0.1 || 1;
    return { min: min - d, max: max + d };
  }
  return { min, max };
}

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) inside the domain. */
export function niceTicks({ min, max }: Domain, count = 5): number[] {
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
  return ticks;
}

/** Maps a value of the domain onto [from, to] pixels (to < from flips the axis, as y needs). */
export function scale({ min, max }: Domain, from: number, to: number): (v: number) => number {
  const k = (to - from) / (max - min);
  return (v) => from + (v - min) * k;
}

/** The extent of many numbers without spreading them into Math.min (which overflows the stack past ~100k). */
export function extent(values: Iterable<number>): Domain {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
