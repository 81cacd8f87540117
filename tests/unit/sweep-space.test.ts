import { describe, expect, test } from "vitest";
import { ValidationError } from "../../lib/errors";
import { gridAxis, sampleUniform } from "../../lib/sweeps/strategies/dimensions";
import { checkSpace, makeStrategy, parseSpace, rng, type SearchSpace, type Trial } from "../../lib/sweeps/strategies";

/** The ValidationError `fn` throws. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError");
}

describe("a search space is checked, and each error names the parameter", () => {
  test.each([
    ["low not below high", { lr: { type: "uniform", low: 1, high: 1 } }, "space.lr.low"],
    ["loguniform from 0", { lr: { type: "loguniform", low: 0, high: 1 } }, "space.lr.low"],
    ["negative loguniform", { lr: { type: "loguniform", low: -1, high: 1 } }, "space.lr.low"],
    ["int range backwards", { depth: { type: "int", low: 5, high: 2 } }, "space.depth.low"],
    ["int with a fractional bound", { depth: { type: "int", low: 0.5, high: 2 } }, "space.depth.low"],
    ["quniform with q of 0", { width: { type: "quniform", low: 0, high: 1, q: 0 } }, "space.width.q"],
    ["empty choice", { optimizer: { type: "choice", values: [] } }, "space.optimizer.values"],
    ["repeated choice", { optimizer: { type: "choice", values: ["adam", "adam"] } }, "space.optimizer.values"],
    ["unknown type", { lr: { type: "normal", low: 0, high: 1 } }, "space.lr.type"],
    ["name that is not a Python identifier", { "learning-rate": { type: "uniform", low: 0, high: 1 } }, "space.learning-rate"],
    ["name that is a Python keyword", { lambda: { type: "uniform", low: 0, high: 1 } }, "space.lambda"],
  ])("%s", (_, raw, field) => {
    const e = validationError(() => parseSpace(raw));
    expect(e.field).toBe(field);
    expect(e.message).toContain(field.split(".")[1]);
  });

  test("an empty choice built in code (not parsed) is refused too", () => {
    expect(validationError(() => checkSpace({ opt: { type: "choice", values: [] } })).field).toBe("space.opt.values");
  });

  test("a parameter the notebook does not declare is refused, naming it and the declared ones", () => {
    const e = validationError(() => parseSpace({ lr: { type: "uniform", low: 0, high: 1 }, epochz: { type: "int", low: 1, high: 3 } }, ["lr", "epochs"]));
    expect(e.field).toBe("space.epochz");
    expect(e.message).toContain("epochz");
    expect(e.message).toContain("lr, epochs");
  });

  test("a space with no parameter is refused", () => {
    expect(validationError(() => parseSpace({})).field).toBe("space");
  });

  test("a valid space comes back as given", () => {
    const raw = { lr: { type: "loguniform", low: 1e-5, high: 1 }, depth: { type: "int", low: 1, high: 12, step: 1 }, opt: { type: "choice", values: ["adam", 1, true] } };
    expect(parseSpace(raw, ["lr", "depth", "opt", "unused"])).toEqual(raw);
  });
});

describe("values drawn from a dimension", () => {
  const onStep = (v: number, low: number, step: number) => Math.abs((v - low) / step - Math.round((v - low) / step)) < 1e-9;

  test("quniform values are low + k*q, rounded clean, within [low, high]", () => {
    const dim = { type: "quniform", low: 0.1, high: 1, q: 0.2 } as const;
    expect(Array.from({ length: gridAxis(dim, 5).size }, (_, k) => gridAxis(dim, 5).at(k))).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
    const random = rng(1);
    const seen = new Set(Array.from({ length: 500 }, () => sampleUniform(dim, random)));
    expect([...seen].sort()).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
  });

  test("int values are on the step and within [low, high], both ends included", () => {
    const dim = { type: "int", low: 1, high: 10, step: 3 } as const;
    const random = rng(2);
    const seen = new Set<unknown>();
    for (let i = 0; i < 500; i++) seen.add(sampleUniform(dim, random));
    expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual([1, 4, 7, 10]);
  });

  test("every strategy keeps int and quniform values on their grid and in range", () => {
    const space: SearchSpace = { n: { type: "int", low: -3, high: 9, step: 4 }, w: { type: "quniform", low: 0.05, high: 0.5, q: 0.1 } };
    for (const kind of ["grid", "random", "tpe"] as const) {
      const strategy = makeStrategy({ kind, space, seed: 3 });
      const history: Trial[] = [];
      for (let n = 0; n < 30; n++) {
        const p = strategy.suggest(history);
        if (!p) break;
        const [int, q] = [p.n as number, p.w as number];
        expect(Number.isInteger(int) && int >= -3 && int <= 9 && onStep(int, -3, 4)).toBe(true);
        expect(q >= 0.05 && q <= 0.5 && onStep(q, 0.05, 0.1)).toBe(true);
        history.push({ number: n, params: p, status: "succeeded", objective: int + q });
      }
    }
  });

  test("loguniform samples stay in range and their logarithms are close to uniform", () => {
    const dim = { type: "loguniform", low: 1e-4, high: 1 } as const;
    const random = rng(3);
    const perDecade = [0, 0, 0, 0];
    const N = 8000;
    let [min, max] = [Infinity, -Infinity];
    for (let i = 0; i < N; i++) {
      const v = sampleUniform(dim, random) as number;
      [min, max] = [Math.min(min, v), Math.max(max, v)];
      perDecade[Math.min(3, Math.floor(Math.log10(v) + 4))]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(1e-4);
    expect(max).toBeLessThanOrEqual(1);
    // Each decade expects N/4 = 2000; binomial sd is about 39, so 10% is > 5 sd.
    for (const count of perDecade) expect(Math.abs(count - N / 4)).toBeLessThan(N / 40);
  });
});
