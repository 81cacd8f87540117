import { describe, expect, test } from "vitest";
import { makeStrategy, rng, type Params, type SearchSpace, type Strategy, type Trial } from "../../lib/sweeps/strategies";
import { splitTrials } from "../../lib/sweeps/strategies/tpe";

/**
 * A toy tuning problem with a known optimum: lr = 10^-2.5, depth = 6, loss 0 plus noise.
 * Its known good region, loss < 1, is lr within about a decade of 10^-2.5 with depth 3..9:
 * about 17% of the space by the search's own (log-uniform) measure.
 */
const space: SearchSpace = { lr: { type: "loguniform", low: 1e-5, high: 1 }, depth: { type: "int", low: 1, high: 12 } };
const loss = (p: Params, noise: number) => (Math.log10(p.lr as number) + 2.5) ** 2 + 0.1 * ((p.depth as number) - 6) ** 2 + noise;

/** The best loss a sweep finds in `budget` trials; the noise depends on the seed and trial only, the same for every strategy. */
function bestLoss(strategy: Strategy, seed: number, budget: number): number {
  const history: Trial[] = [];
  for (let n = 0; n < budget; n++) {
    const params = strategy.suggest(history)!;
    history.push({ number: n, params, status: "succeeded", objective: loss(params, 0.05 * rng(seed, 7, n)()) });
  }
  return Math.min(...history.map((t) => t.objective!));
}

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("TPE", () => {
  test("finds better parameters than random search on the same budget", () => {
    const tpe = SEEDS.map((seed) => bestLoss(makeStrategy({ kind: "tpe", space, seed }), seed, 40));
    const random = SEEDS.map((seed) => bestLoss(makeStrategy({ kind: "random", space, seed }), seed, 40));
    // Measured: mean best loss 0.050 (TPE) vs 0.139 (random), TPE better on 16 of 20 seeds.
    // Over nine more sets of 20 seeds the ratio ranged 0.21..0.56 and wins 13..18.
    expect(mean(tpe)).toBeLessThan(0.6 * mean(random));
    expect(tpe.filter((t, i) => t < random[i]!).length).toBeGreaterThanOrEqual(11);
  });

  test("the toy problem is fair: random search reaches the good region within 12 trials on most seeds", () => {
    // Measured: 18 of 20 seeds (a 12-trial random search misses a 17% region with probability 0.11).
    const random = SEEDS.map((seed) => bestLoss(makeStrategy({ kind: "random", space, seed }), seed, 12));
    expect(random.filter((l) => l < 1).length).toBeGreaterThanOrEqual(15);
  });

  test("its first nStartup suggestions are random search's", () => {
    const tpe = makeStrategy({ kind: "tpe", space, seed: 9, options: { nStartup: 5 } });
    const random = makeStrategy({ kind: "random", space, seed: 9 });
    const history: Trial[] = [];
    for (let n = 0; n < 6; n++) {
      const params = tpe.suggest(history)!;
      if (n < 5) expect(params).toEqual(random.suggest(history));
      else expect(params).not.toEqual(random.suggest(history));
      history.push({ number: n, params, status: "succeeded", objective: loss(params, 0) });
    }
  });

  test("ignores a finished trial's parameter that the space no longer allows", () => {
    const history: Trial[] = Array.from({ length: 12 }, (_, n) => ({
      number: n, params: { lr: n % 2 ? 10 : 1e-3, depth: "deep" }, status: "succeeded" as const, objective: n,
    }));
    const p = makeStrategy({ kind: "tpe", space, seed: 1 }).suggest(history)!;
    expect(p.lr).toBeGreaterThanOrEqual(1e-5);
    expect(Number.isInteger(p.depth)).toBe(true);
  });

  test("good trials are the best succeeded ones; pruned trials count as bad; failed and running ones not at all", () => {
    const t = (number: number, status: Trial["status"], objective: number | null): Trial => ({ number, params: {}, status, objective });
    const history = [
      ...Array.from({ length: 15 }, (_, i) => t(i, "succeeded", 100 - i)),
      t(15, "pruned", null), t(16, "pruned", null), t(17, "pruned", null), t(18, "pruned", null), t(19, "pruned", null),
      t(20, "failed", null), t(21, "running", null),
    ];
    const { good, bad } = splitTrials(history);
    // 20 finished (15 succeeded + 5 pruned): gamma(20) = ceil(2) = 2 good, the two lowest objectives.
    expect(good.map((x) => x.number)).toEqual([14, 13]);
    expect(bad).toHaveLength(18);
    expect(bad.filter((x) => x.status === "pruned")).toHaveLength(5);
  });
});
