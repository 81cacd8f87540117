import { describe, expect, test } from "vitest";
import { Asha, rng, type Trial } from "../../lib/sweeps/strategies";

const trial = (number: number, reports: [step: number, value: number][]): Trial => ({
  number, params: {}, status: "running", objective: null, reports: reports.map(([step, value]) => ({ step, value })),
});

describe("ASHA", () => {
  test("rungs sit at minResource * eta^k below maxResource", () => {
    expect(new Asha({ minResource: 1, maxResource: 27 }).rungs).toEqual([1, 3, 9]);
    expect(new Asha({ minResource: 2, maxResource: 100, reductionFactor: 4 }).rungs).toEqual([2, 8, 32]);
  });

  test("stops most of a sweep's bad trials early, and never the best one", () => {
    // 30 trials of 27 steps on 4 workers at once, each trial's loss falling towards its own
    // floor: a third of them have floors far above the rest.
    const STEPS = 27;
    const asha = new Asha({ minResource: 1, maxResource: STEPS, reductionFactor: 3 });
    const random = rng(11);
    const floors = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 2 : 0) + random());
    const curve = (i: number, step: number) => floors[i]! + 3 / Math.sqrt(step) + 0.01 * random();
    const trials: Trial[] = [];
    const running: Trial[] = [];
    let started = 0;
    let steps = 0;
    while (started < floors.length || running.length) {
      while (running.length < 4 && started < floors.length) {
        const t = trial(started++, []);
        trials.push(t);
        running.push(t);
      }
      for (const t of [...running]) {
        const step = t.reports!.length + 1;
        t.reports!.push({ step, value: curve(t.number, step) });
        steps++;
        const stopped = asha.shouldStop(t, trials).stop;
        if (stopped || step === STEPS) {
          t.status = stopped ? "pruned" : "succeeded";
          running.splice(running.indexOf(t), 1);
        }
      }
    }
    // Measured: 146 of the 810 steps run (82% saved); 4 trials ran to the end (the first three
    // started, which led every rung when they reached it, and the best); 9 of the 10 bad
    // trials stopped at step 1 (the other was trial 0, first at every rung).
    expect(steps).toBeLessThan(0.5 * 30 * STEPS);
    expect(trials.filter((t) => t.number % 3 === 0 && t.reports!.length === 1).length).toBeGreaterThanOrEqual(7);
    const best = floors.indexOf(Math.min(...floors));
    expect(trials[best]!.status).toBe("succeeded");
    expect(trials[best]!.reports).toHaveLength(STEPS);
  });

  test("the first trial to reach a rung goes on, however bad its value", () => {
    const asha = new Asha({ minResource: 1, maxResource: 27 });
    const first = trial(0, [[1, 1e9]]);
    expect(asha.shouldStop(first, [first])).toEqual({ stop: false, rung: 0 });
  });

  test("a later, clearly worse trial is stopped at the rung; a better one goes on", () => {
    const asha = new Asha({ minResource: 1, maxResource: 27 });
    const first = trial(0, [[1, 0.5], [2, 0.4], [3, 0.3]]);
    expect(asha.shouldStop(trial(1, [[1, 5]]), [first])).toEqual({ stop: true, rung: 0 });
    expect(asha.shouldStop(trial(2, [[1, 0.2]]), [first])).toEqual({ stop: false, rung: 0 });
  });

  test("once a rung holds 3 * k values, the top k go on (eta = 3)", () => {
    const asha = new Asha({ minResource: 1, maxResource: 27 });
    const others = [0.1, 0.2, 0.3, 0.4, 0.5].map((v, i) => trial(i, [[1, v]]));
    // With itself, 6 values at the rung: the top 2 go on.
    expect(asha.shouldStop(trial(9, [[1, 0.15]]), others).stop).toBe(false);
    expect(asha.shouldStop(trial(9, [[1, 0.25]]), others).stop).toBe(true);
  });

  test("a trial promoted from a rung is not judged there again", () => {
    const asha = new Asha({ minResource: 1, maxResource: 27 });
    const late = trial(0, [[1, 0.9], [2, 0.8]]);
    const better = [0.1, 0.2, 0.3].map((v, i) => trial(i + 1, [[1, v]]));
    expect(asha.shouldStop(late, [late, ...better])).toEqual({ stop: false, rung: null });
  });

  test("the value at a rung is the last report at or before its step", () => {
    const asha = new Asha({ minResource: 3, maxResource: 27 });
    const leader = trial(0, [[3, 1.0]]);
    // Reported 0.5 at step 2 then jumped to step 4 with 9.0: judged at rung 3 by its 0.5.
    expect(asha.shouldStop(trial(1, [[2, 0.5], [4, 9.0]]), [leader])).toEqual({ stop: false, rung: 0 });
    expect(asha.shouldStop(trial(1, [[2, 1.5], [4, 0.1]]), [leader])).toEqual({ stop: true, rung: 0 });
  });

  test("a report that crosses several rungs is judged at each", () => {
    const asha = new Asha({ minResource: 1, maxResource: 27 });
    const leader = trial(0, [[1, 1], [3, 0.5], [9, 0.1]]);
    expect(asha.shouldStop(trial(1, [[1, 0.9], [10, 0.05]]), [leader])).toEqual({ stop: true, rung: 1 });
    expect(asha.shouldStop(trial(1, [[1, 0.9], [10, 0.05]]), [])).toEqual({ stop: false, rung: 2 });
  });

  test("a diverged trial (NaN) is stopped at its rung", () => {
    const asha = new Asha({ minResource: 1, maxResource: 27 });
    const t = trial(0, [[1, NaN]]);
    expect(asha.shouldStop(t, [t]).stop).toBe(true);
  });

  test("between rungs and before the first one, nothing is stopped", () => {
    const asha = new Asha({ minResource: 2, maxResource: 18 });
    expect(asha.shouldStop(trial(0, [[1, 99]]), [trial(1, [[1, 0], [2, 0]])])).toEqual({ stop: false, rung: null });
    expect(asha.shouldStop(trial(0, []), [])).toEqual({ stop: false, rung: null });
  });
});
