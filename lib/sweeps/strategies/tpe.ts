/**
 * Tree-structured Parzen Estimator, in the spirit of Optuna's default (independent) sampler.
 * Until `nStartup` trials have finished (succeeded or pruned), it draws at random. Then the n
 * finished trials split into the best few ("good", gamma(n) = min(ceil(0.1 n), 25) of them)
 * and the rest ("bad"). For each parameter on its own, a Parzen estimator models the good
 * values, l(x), and the bad ones, g(x); the value suggested is the one of `nCandidates`
 * draws from l with the highest l(x)/g(x), which maximises the expected improvement.
 *
 * Which trials count: succeeded ones by their objective (minimised); pruned ones always as
 * bad, whatever they last reported — ASHA stopped them for trailing at a rung, and a value at
 * an early step cannot be ranked against final objectives; failed and running ones not at all.
 */
import { z } from "zod";
import { coordinate, fromCoordinate, toCoordinate } from "./dimensions";
import { CategoricalEstimator, type Estimator, TruncatedGaussianMixture } from "./parzen";
import { sampleSpace } from "./random";
import { rng, type Random } from "./rng";
import { parameterNames, type Dimension, type SearchSpace } from "./space";
import { nextTrialNumber, type Params, type Strategy, type Trial } from "./trial";

export const tpeOptionsSchema = z
  .object({
    nStartup: z.int().min(1).max(10_000).default(10).describe("Trials drawn at random before TPE models the results"),
    nCandidates: z.int().min(1).max(10_000).default(24).describe("Draws from the good trials' density compared per parameter"),
  })
  .strict();
export type TpeOptions = z.input<typeof tpeOptionsSchema>;

/** The number of good trials among n finished ones (Optuna's default gamma). */
export const gamma = (n: number) => Math.min(Math.ceil(0.1 * n), 25);

export class Tpe implements Strategy {
  private readonly nStartup: number;
  private readonly nCandidates: number;

  constructor(private readonly space: SearchSpace, private readonly seed: number, options: TpeOptions = {}) {
    ({ nStartup: this.nStartup, nCandidates: this.nCandidates } = tpeOptionsSchema.parse(options));
  }

  /** Never exhausted. */
  suggest(history: readonly Trial[]): Params {
    const random = rng(this.seed, nextTrialNumber(history));
    const { good, bad } = splitTrials(history);
    if (good.length + bad.length < this.nStartup || good.length === 0) return sampleSpace(this.space, random);
    const params: Params = {};
    for (const name of parameterNames(this.space)) {
      const dim = this.space[name]!;
      params[name] = fromCoordinate(dim, bestCandidate(fit(dim, name, good), fit(dim, name, bad), this.nCandidates, random));
    }
    return params;
  }
}

/** Good and bad trials; ties in the objective break by trial number so the split never depends on history's order. */
export function splitTrials(history: readonly Trial[]): { good: Trial[]; bad: Trial[] } {
  const succeeded = history
    .filter((t) => t.status === "succeeded" && typeof t.objective === "number" && Number.isFinite(t.objective))
    .sort((a, b) => a.objective! - b.objective! || a.number - b.number);
  const pruned = history.filter((t) => t.status === "pruned").sort((a, b) => a.number - b.number);
  const nGood = Math.min(gamma(succeeded.length + pruned.length), succeeded.length);
  return { good: succeeded.slice(0, nGood), bad: [...succeeded.slice(nGood), ...pruned] };
}

function fit(dim: Dimension, name: string, trials: readonly Trial[]): Estimator {
  const observed: number[] = [];
  for (const t of trials) {
    const x = toCoordinate(dim, t.params[name]);
    if (x !== null) observed.push(x);
  }
  const c = coordinate(dim);
  return c.kind === "categorical" ? new CategoricalEstimator(observed, c.size) : new TruncatedGaussianMixture(observed, c.lo, c.hi, c.step);
}

/**
 * The draw from l with the highest log l(x) - log g(x); the first one wins a tie. Discrete
 * draws repeat (12 depths, 24 draws), so each distinct value is scored once: g's mixture
 * holds a kernel per bad trial and is what a suggestion spends its time on.
 */
function bestCandidate(l: Estimator, g: Estimator, n: number, random: Random): number {
  const scores = new Map<number, number>();
  let best = NaN;
  let bestScore = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = l.sample(random);
    let score = scores.get(x);
    if (score === undefined) scores.set(x, (score = l.logDensity(x) - g.logDensity(x)));
    if (score > bestScore || Number.isNaN(best)) [best, bestScore] = [x, score];
  }
  return best;
}
