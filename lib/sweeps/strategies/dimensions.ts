/**
 * What each kind of dimension means to a strategy: its values as a list (grid), a uniform
 * draw (random), and a continuous coordinate for TPE's density estimates — the log for
 * loguniform, the index for choice, the value itself otherwise.
 */
import type { Random } from "./rng";
import type { Dimension, ParamValue } from "./space";

type Stepped = Extract<Dimension, { type: "int" | "quniform" }>;

const stepOf = (dim: Stepped) => (dim.type === "int" ? (dim.step ?? 1) : dim.q);

/** How many values low, low + step, ... fit in [low, high]; the epsilon absorbs 0.3/0.1 = 2.9999. */
function stepCount(dim: Stepped): number {
  return Math.floor((dim.high - dim.low) / stepOf(dim) + 1e-9) + 1;
}

/** The k-th value low + k*step, rid of float noise (0.1 + 2*0.1 is 0.30000000000000004). */
function stepValue(dim: Stepped, k: number): number {
  if (dim.type === "int") return dim.low + k * stepOf(dim);
  return Math.min(dim.high, Number((dim.low + k * dim.q).toPrecision(12)));
}

/** A list of values to enumerate: `at(k)` for k < size, computed on demand (an int range may be long). */
export interface Axis {
  size: number;
  at(k: number): ParamValue;
}

/**
 * The grid's values for a dimension: every value of a choice, int or quniform; `points`
 * evenly spaced values from low to high for uniform, evenly spaced in log for loguniform
 * (one point: the middle).
 */
export function gridAxis(dim: Dimension, points: number): Axis {
  switch (dim.type) {
    case "choice":
      return { size: dim.values.length, at: (k) => dim.values[k]! };
    case "int":
    case "quniform":
      return { size: stepCount(dim), at: (k) => stepValue(dim, k) };
    case "uniform":
    case "loguniform": {
      const fraction = (k: number) => (points === 1 ? 0.5 : k / (points - 1));
      return { size: points, at: (k) => fromUnit(dim, fraction(k)) };
    }
  }
}

/** u in [0, 1] to a value of a continuous dimension, linearly or in log. */
function fromUnit(dim: Extract<Dimension, { type: "uniform" | "loguniform" }>, u: number): number {
  if (u <= 0) return dim.low;
  if (u >= 1) return dim.high;
  if (dim.type === "uniform") return dim.low + u * (dim.high - dim.low);
  const lo = Math.log(dim.low);
  return clamp(Math.exp(lo + u * (Math.log(dim.high) - lo)), dim.low, dim.high);
}

/** One value drawn uniformly: over the list for discrete dimensions, over the log for loguniform. */
export function sampleUniform(dim: Dimension, random: Random): ParamValue {
  if (dim.type === "uniform" || dim.type === "loguniform") return fromUnit(dim, random());
  const axis = gridAxis(dim, 1);
  return axis.at(Math.floor(random() * axis.size));
}

/**
 * A dimension as TPE models it: a numeric interval (with `step` for discrete values, whose
 * interval is widened by half a step at each end so the end values get a full bin), or a
 * categorical of `size` indices.
 */
export type Coordinate =
  | { kind: "numeric"; lo: number; hi: number; step: number | null }
  | { kind: "categorical"; size: number };

export function coordinate(dim: Dimension): Coordinate {
  switch (dim.type) {
    case "choice":
      return { kind: "categorical", size: dim.values.length };
    case "uniform":
      return { kind: "numeric", lo: dim.low, hi: dim.high, step: null };
    case "loguniform":
      return { kind: "numeric", lo: Math.log(dim.low), hi: Math.log(dim.high), step: null };
    case "int":
    case "quniform": {
      const step = stepOf(dim);
      return { kind: "numeric", lo: dim.low - step / 2, hi: dim.low + (stepCount(dim) - 0.5) * step, step };
    }
  }
}

/**
 * A value's coordinate, or null when the value is not one this dimension can take (a trial
 * run before the space was edited): such a trial tells TPE nothing about this dimension.
 */
export function toCoordinate(dim: Dimension, value: unknown): number | null {
  if (dim.type === "choice") {
    const i = dim.values.indexOf(value as ParamValue);
    return i < 0 ? null : i;
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value < dim.low || value > dim.high) return null;
  if (dim.type === "uniform") return value;
  if (dim.type === "loguniform") return Math.log(value);
  const k = (value - dim.low) / stepOf(dim);
  return Math.abs(k - Math.round(k)) < 1e-6 ? value : null;
}

/** The value at a coordinate: discrete ones snap to the nearest value the dimension allows. */
export function fromCoordinate(dim: Dimension, x: number): ParamValue {
  switch (dim.type) {
    case "choice":
      return dim.values[clamp(Math.round(x), 0, dim.values.length - 1)]!;
    case "uniform":
      return clamp(x, dim.low, dim.high);
    case "loguniform":
      return clamp(Math.exp(x), dim.low, dim.high);
    case "int":
    case "quniform":
      return stepValue(dim, clamp(Math.round((x - dim.low) / stepOf(dim)), 0, stepCount(dim) - 1));
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
