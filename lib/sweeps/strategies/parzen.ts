/**
 * Parzen estimators, TPE's model of where good (or bad) trials lie along one dimension: a
 * mixture of one kernel per observed trial plus one broad "prior" kernel over the whole
 * range, so that no value's density is ever zero and TPE keeps exploring.
 */
import { cdf, inverseCdf, massBetween } from "./normal";
import type { Random } from "./rng";

/** The prior kernel weighs as much as one observation (Optuna's default prior_weight of 1). */
const PRIOR_WEIGHT = 1;

export interface Estimator {
  /** A value drawn from the density (a coordinate; snapped to the step for discrete dimensions). */
  sample(random: Random): number;
  /** log density at x (log probability of x's bin for discrete dimensions, of x for categoricals). */
  logDensity(x: number): number;
}

/**
 * Gaussians truncated to [lo, hi], one per observation plus the prior centred mid-range with
 * the range as its width. Each observation's bandwidth is its larger gap to a neighbour
 * (observations and the prior's centre, sorted), clipped to [range / min(100, n + 1), range]:
 * dense regions get narrow kernels, and a sort makes fitting O(n log n) rather than O(n^2).
 * With `step`, values are discrete and a value's probability is its kernel mass over
 * [x - step/2, x + step/2].
 */
export class TruncatedGaussianMixture implements Estimator {
  private readonly mus: Float64Array;
  private readonly sigmas: Float64Array;
  /** weight / (sigma * truncated mass): the factor of each kernel's density. */
  private readonly scale: Float64Array;
  private readonly cumulativeWeight: Float64Array;

  constructor(observations: readonly number[], private readonly lo: number, private readonly hi: number, private readonly step: number | null) {
    const range = hi - lo;
    const centre = (lo + hi) / 2;
    const sorted = Float64Array.from(observations).sort(); // a typed array sorts numerically, and fast
    let priorAt = 0;
    while (priorAt < sorted.length && sorted[priorAt]! < centre) priorAt++;
    const n = sorted.length + 1;
    const points = new Float64Array(n);
    points.set(sorted.subarray(0, priorAt));
    points[priorAt] = centre;
    points.set(sorted.subarray(priorAt), priorAt + 1);
    const minSigma = range / Math.min(100, n);
    this.mus = new Float64Array(n);
    this.sigmas = new Float64Array(n);
    this.scale = new Float64Array(n);
    this.cumulativeWeight = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const mu = points[i]!;
      const gap = Math.max(i > 0 ? mu - points[i - 1]! : 0, i < n - 1 ? points[i + 1]! - mu : 0);
      const sigma = i === priorAt ? range : Math.min(range, Math.max(minSigma, gap));
      const weight = i === priorAt ? PRIOR_WEIGHT : 1;
      this.mus[i] = mu;
      this.sigmas[i] = sigma;
      this.scale[i] = weight / (sigma * massBetween((lo - mu) / sigma, (hi - mu) / sigma));
      total += weight;
      this.cumulativeWeight[i] = total;
    }
    for (let i = 0; i < n; i++) {
      this.scale[i]! /= total;
      this.cumulativeWeight[i]! /= total;
    }
  }

  sample(random: Random): number {
    const i = pick(this.cumulativeWeight, random());
    const mu = this.mus[i]!;
    const sigma = this.sigmas[i]!;
    // Inverse-CDF sampling within the truncation: exactly one uniform per draw.
    const a = cdf((this.lo - mu) / sigma);
    const b = cdf((this.hi - mu) / sigma);
    const x = Math.min(this.hi, Math.max(this.lo, mu + sigma * inverseCdf(a + random() * (b - a))));
    if (this.step === null) return x;
    const half = this.step / 2;
    const k = Math.round((x - this.lo - half) / this.step);
    return this.lo + half + Math.min(Math.max(k, 0), Math.round((this.hi - this.lo) / this.step) - 1) * this.step;
  }

  logDensity(x: number): number {
    let sum = 0;
    const { mus, sigmas, scale } = this;
    if (this.step === null) {
      for (let i = 0; i < mus.length; i++) {
        const z = (x - mus[i]!) / sigmas[i]!;
        sum += scale[i]! * Math.exp(-0.5 * z * z);
      }
      return Math.log(sum / Math.sqrt(2 * Math.PI));
    }
    const half = this.step / 2;
    for (let i = 0; i < mus.length; i++) {
      const s = sigmas[i]!;
      sum += scale[i]! * s * massBetween((x - half - mus[i]!) / s, (x + half - mus[i]!) / s);
    }
    return Math.log(sum);
  }
}

/** Counts of each category plus the prior spread evenly over all of them. */
export class CategoricalEstimator implements Estimator {
  private readonly logP: Float64Array;
  private readonly cumulative: Float64Array;

  constructor(observations: readonly number[], size: number) {
    const weights = new Float64Array(size).fill(PRIOR_WEIGHT / size);
    for (const i of observations) weights[i]! += 1;
    const total = observations.length + PRIOR_WEIGHT;
    this.logP = weights.map((w) => Math.log(w / total));
    let acc = 0;
    this.cumulative = weights.map((w) => (acc += w / total));
  }

  sample(random: Random): number {
    return pick(this.cumulative, random());
  }

  logDensity(i: number): number {
    return this.logP[i]!;
  }
}

/** The first index whose cumulative weight exceeds u (binary search). */
function pick(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
