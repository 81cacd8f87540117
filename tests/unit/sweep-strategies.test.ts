import { describe, expect, test } from "vitest";
import { ValidationError } from "../../lib/errors";
import { makeStrategy, type Params, type SearchSpace, type Strategy, type Trial } from "../../lib/sweeps/strategies";

const space: SearchSpace = {
  lr: { type: "loguniform", low: 1e-5, high: 1 },
  dropout: { type: "uniform", low: 0, high: 0.5 },
  depth: { type: "int", low: 1, high: 12 },
  optimizer: { type: "choice", values: ["adam", "sgd", "rmsprop"] },
};
const loss = (p: Params) => (Math.log10(p.lr as number) + 2.5) ** 2 + (p.dropout as number) + 0.1 * ((p.depth as number) - 6) ** 2 + (p.optimizer === "sgd" ? 0 : 0.5);

/** A sweep of `budget` trials, each finishing before the next is suggested. */
function sweep(strategy: Strategy, budget: number): Trial[] {
  const history: Trial[] = [];
  for (let n = 0; n < budget; n++) {
    const params = strategy.suggest(history);
    if (!params) break;
    history.push({ number: n, params, status: "succeeded", objective: loss(params) });
  }
  return history;
}

describe.each(["random", "tpe"] as const)("%s suggestions are reproducible", (kind) => {
  test("a restarted sweep replays every suggestion from the same seed and history", () => {
    const first = sweep(makeStrategy({ kind, space, seed: 42 }), 25);
    const restarted = makeStrategy({ kind, space, seed: 42 });
    for (const t of first) expect(restarted.suggest(first.slice(0, t.number))).toEqual(t.params);
  });

  test("the order in which the history is given does not matter", () => {
    const history = sweep(makeStrategy({ kind, space, seed: 7 }), 20);
    const strategy = makeStrategy({ kind, space, seed: 7 });
    expect(strategy.suggest([...history].reverse())).toEqual(strategy.suggest(history));
  });

  test("a different seed gives different suggestions", () => {
    const a = sweep(makeStrategy({ kind, space, seed: 1 }), 20).map((t) => t.params);
    const b = sweep(makeStrategy({ kind, space, seed: 2 }), 20).map((t) => t.params);
    expect(a.filter((p, i) => JSON.stringify(p) === JSON.stringify(b[i])).length).toBe(0);
  });

  test("two trials running at once get different suggestions", () => {
    const history = sweep(makeStrategy({ kind, space, seed: 5 }), 15);
    const strategy = makeStrategy({ kind, space, seed: 5 });
    const first = strategy.suggest(history)!;
    const running: Trial = { number: 15, params: first, status: "running", objective: null };
    expect(strategy.suggest([...history, running])).not.toEqual(first);
  });
});

describe("grid search", () => {
  const gridSpace: SearchSpace = {
    opt: { type: "choice", values: ["adam", "sgd"] },
    depth: { type: "int", low: 2, high: 6, step: 2 },
    dropout: { type: "uniform", low: 0, high: 0.5 },
  };

  test("enumerates exactly the product of every parameter's values, then says it is done", () => {
    const strategy = makeStrategy({ kind: "grid", space: gridSpace, seed: 0, options: { gridPoints: 3 } });
    const trials = sweep(strategy, 100);
    expect(trials).toHaveLength(2 * 3 * 3);
    const expected = ["adam", "sgd"].flatMap((opt) => [2, 4, 6].flatMap((depth) => [0, 0.25, 0.5].map((dropout) => JSON.stringify({ depth, dropout, opt }))));
    const got = trials.map((t) => JSON.stringify(Object.fromEntries(Object.entries(t.params).sort())));
    expect(new Set(got)).toEqual(new Set(expected));
    expect(strategy.suggest(trials)).toBeNull();
  });

  test("trial n gets the n-th combination, parameters in name order with the last varying fastest", () => {
    const strategy = makeStrategy({ kind: "grid", space: gridSpace, seed: 0, options: { gridPoints: 3 } });
    const at = (n: number) => strategy.suggest(n === 0 ? [] : [{ number: n - 1, params: {}, status: "failed", objective: null }]);
    expect(at(0)).toEqual({ depth: 2, dropout: 0, opt: "adam" });
    expect(at(1)).toEqual({ depth: 2, dropout: 0, opt: "sgd" });
    expect(at(2)).toEqual({ depth: 2, dropout: 0.25, opt: "adam" });
    expect(at(17)).toEqual({ depth: 6, dropout: 0.5, opt: "sgd" });
    expect(at(18)).toBeNull();
  });

  test("a loguniform parameter is gridded evenly in log space, 5 points unless told", () => {
    const strategy = makeStrategy({ kind: "grid", space: { lr: { type: "loguniform", low: 1e-4, high: 1 } }, seed: 0 });
    const lrs = sweep(strategy, 10).map((t) => t.params.lr as number);
    expect(lrs.map((v) => Math.log10(v))).toEqual([-4, -3, -2, -1, 0].map((e) => expect.closeTo(e, 9)));
  });
});

describe("choosing a strategy", () => {
  test.each([
    ["tpe", { nStartup: 0 }, "options.nStartup"],
    ["tpe", { nCandidate: 24 }, "options"],
    ["grid", { gridPoints: 0 }, "options.gridPoints"],
    ["random", { gridPoints: 3 }, "options"],
  ] as const)("%s with bad options %j is refused, naming the option", (kind, options, field) => {
    const fn = () => makeStrategy({ kind, space, seed: 1, options });
    expect(fn).toThrow(ValidationError);
    try {
      fn();
    } catch (e) {
      expect((e as ValidationError).field).toBe(field);
    }
  });

  test("an unknown strategy is refused", () => {
    expect(() => makeStrategy({ kind: "bayes" as never, space, seed: 1 })).toThrow(/Unknown search strategy "bayes"/);
  });
});
