/** The charts' axes: each maps a value to 0..1 along it and says where its ticks go. */
import { formatNumber } from "../runs/run-format";
import type { Dimension, Goal } from "./types";

export interface Tick {
  at: number;
  label: string;
}

export interface Scale {
  kind: "linear" | "log" | "category";
  /** 0..1 along the axis; null for a value it cannot place. */
  pos: (v: unknown) => number | null;
  ticks: Tick[];
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Equal ends widened a little, so a single value sits mid-axis. */
function spread(lo: number, hi: number): [number, number] {
  if (lo < hi) return [lo, hi];
  const pad = Math.abs(lo) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

/** A round step near range/count: 1, 2 or 5 times a power of ten. */
function niceStep(range: number, count: number): number {
  const raw = range / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * p >= raw) ?? 10) * p;
}

/** `pad` widens the ends by that share of the range, so marks at the extremes stay clear of the axes. */
export function linearScale(lo: number, hi: number, { count = 4, pad = 0, label = formatNumber }: { count?: number; pad?: number; label?: (v: number) => string } = {}): Scale {
  const [l, h] = spread(lo, hi);
  const [a, b] = [l - (h - l) * pad, h + (h - l) * pad];
  const pos = (v: unknown) => {
    const x = num(v);
    return x === null ? null : (x - a) / (b - a);
  };
  const step = niceStep(b - a, count);
  const ticks: Tick[] = [];
  for (let v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) ticks.push({ at: (v - a) / (b - a), label: label(+v.toPrecision(12)) });
  return { kind: "linear", pos, ticks };
}

/** Decades between the ends (the ends themselves when the range spans less than two). */
export function logScale(lo: number, hi: number): Scale {
  const [a, b] = lo > 0 && hi > lo ? [Math.log10(lo), Math.log10(hi)] : [Math.log10(lo > 0 ? lo : 1e-3) - 1, Math.log10(lo > 0 ? lo : 1e-3) + 1];
  const pos = (v: unknown) => {
    const x = num(v);
    return x === null || x <= 0 ? null : (Math.log10(x) - a) / (b - a);
  };
  const decades: number[] = [];
  for (let d = Math.ceil(a); d <= Math.floor(b); d++) decades.push(d);
  const stride = Math.max(1, Math.ceil(decades.length / 6));
  const shown = decades.length >= 2 ? decades.filter((_, i) => i % stride === 0) : [a, b];
  const label = (d: number) => (Number.isInteger(d) && Math.abs(d) >= 3 ? `1e${d}` : formatNumber(10 ** d));
  return { kind: "log", pos, ticks: shown.map((d) => ({ at: (d - a) / (b - a), label: label(d) })) };
}

/** Evenly spaced values, each in the middle of its band, in the order the space lists them (any other value seen, after). */
export function categoryScale(values: unknown[]): Scale {
  const keys = [...new Set(values.map((v) => JSON.stringify(v)))];
  const at = (k: string) => (keys.indexOf(k) + 0.5) / keys.length;
  const pos = (v: unknown) => (keys.includes(JSON.stringify(v)) ? at(JSON.stringify(v)) : null);
  const label = (k: string) => {
    const v: unknown = JSON.parse(k);
    return typeof v === "string" ? v : String(v);
  };
  return { kind: "category", pos, ticks: keys.map((k) => ({ at: at(k), label: label(k) })) };
}

/** A parameter's axis from its space entry: log for loguniform, categories for choice, else linear over its range and the values seen. */
export function paramScale(dim: Dimension | undefined, seen: unknown[]): Scale {
  if (dim?.type === "choice") return categoryScale([...dim.values, ...seen]);
  const nums = seen.map(num).filter((x): x is number => x !== null);
  if (!dim && nums.length < seen.length) return categoryScale(seen);
  const lo = Math.min(...nums, ...(dim ? [dim.low] : []));
  const hi = Math.max(...nums, ...(dim ? [dim.high] : []));
  if (!Number.isFinite(lo)) return linearScale(0, 1);
  return dim?.type === "loguniform" ? logScale(lo, hi) : linearScale(lo, hi, { pad: 0.04 });
}

export const objectiveScale = (values: number[]) => linearScale(Math.min(...values), Math.max(...values), { pad: 0.06 });

/** 1 for the best objective, 0 for the worst: how dark a trial is drawn. */
export function goodness(values: number[], goal: Goal): (v: number) => number {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (!(hi > lo)) return () => 1;
  return (v) => (goal === "minimize" ? (hi - v) / (hi - lo) : (v - lo) / (hi - lo));
}

/** The kiln orange, pale for poor trials and darkest for the best. */
export const shade = (t: number) => `hsl(21 88% ${Math.round(82 - 58 * Math.min(1, Math.max(0, t)))}%)`;

/** A parameter's value as the table and tooltips show it. */
export const valueText = (v: unknown) => (typeof v === "number" ? formatNumber(v) : typeof v === "string" ? v : v === undefined ? "—" : JSON.stringify(v));
