import type { ChartSettings } from "./chart-settings";
import type { MetricSeries } from "./types";

/** One run's line as drawn: x per the settings, raw and smoothed y, the min–max band of a downsampled series. */
export interface RunLine {
  id: number;
  xs: number[];
  steps: number[];
  /** Epoch seconds of each point (NaN when unknown). */
  times: number[];
  raw: (number | null)[];
  smooth: (number | null)[];
  lo: (number | null)[] | null;
  hi: (number | null)[] | null;
  downsampled: boolean;
}

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the line starts at the
 * first value instead of climbing from zero. Gaps (null) are skipped, not averaged in.
 */
export function smooth(ys: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return ys;
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (y === null || !Number.isFinite(y)) return null;
    last = last * weight + (1 - weight) * y;
    n++;
    return last / (1 - weight ** n);
  });
}

const seconds = (ts: string | undefined) => (ts ? Date.parse(ts) / 1000 : NaN);

/** A series from the API as a line under the settings: buckets at their middle step (their first point's time), sorted and de-duplicated on x. */
export function toRunLine(id: number, s: MetricSeries, settings: ChartSettings): RunLine {
  const finite = (v: number | null | undefined) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  let pts: { step: number; time: number; y: number | null; lo: number | null; hi: number | null }[];
  if (s.downsampled && s.buckets?.length)
    pts = s.buckets.map((b) => ({ step: Math.floor((b.step_from + b.step_to) / 2), time: seconds(b.ts), y: finite(b.avg), lo: finite(b.min), hi: finite(b.max) }));
  else pts = s.points.map((p) => ({ step: p.step, time: seconds(p.ts), y: finite(p.value), lo: null, hi: null }));
  const first = pts.find((p) => Number.isFinite(p.time))?.time ?? 0;
  const xOf = (p: (typeof pts)[number]) => (settings.x === "step" ? p.step : settings.x === "wall" ? p.time : p.time - first);
  // uPlot needs ascending, unique x per line: the last value logged at an x wins
  const byX = new Map<number, (typeof pts)[number]>();
  for (const p of pts) if (Number.isFinite(xOf(p))) byX.set(xOf(p), p);
  const sorted = [...byX].sort((a, b) => a[0] - b[0]);
  const positive = (v: number | null) => (settings.log && v !== null && v <= 0 ? null : v); // a log scale has no place for them
  const raw = sorted.map(([, p]) => positive(p.y));
  const banded = s.downsampled && !!s.buckets?.length;
  return {
    id, downsampled: s.downsampled,
    xs: sorted.map(([x]) => x), steps: sorted.map(([, p]) => p.step), times: sorted.map(([, p]) => p.time),
    raw, smooth: smooth(raw, settings.smoothing),
    lo: banded ? sorted.map(([, p]) => positive(p.lo)) : null, hi: banded ? sorted.map(([, p]) => positive(p.hi)) : null,
  };
}

/** The index of the point of `xs` (ascending) nearest to x. */
export function nearest(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(xs[lo - 1]! - x) <= Math.abs(xs[lo]! - x) ? lo - 1 : lo;
}

/** The steps of a line whose x falls in [min, max]: what a zoomed chart asks the API for, finer. */
export function stepRange(line: RunLine, min: number, max: number): { from: number; to: number } | null {
  // one point beyond each edge too: a downsampled point stands for steps on both sides of it
  const first = line.xs.findIndex((x) => x >= min);
  let last = line.xs.length - 1;
  while (last >= 0 && line.xs[last]! > max) last--;
  if (first < 0 || last < first) return null;
  const span = line.steps.slice(Math.max(0, first - 1), Math.min(line.steps.length, last + 2));
  return { from: Math.max(0, Math.min(...span)), to: Math.max(...span) };
}
