import { describe, expect, inject, test } from "vitest";
import { containersLeftAfter } from "../helpers/docker";
import { call, makeUser } from "../helpers/http";
import { makeNotebook, maxOverlap, toySpace, waitForSweep } from "../helpers/sweeps";

const loss = (p: { lr: number; depth: number }) => (Math.log10(p.lr) + 2.5) ** 2 + 0.1 * (p.depth - 6) ** 2 + 1 / 9;

describe.each(inject("servers"))("sweeps on $backend", (s) => {
  test("a random sweep of 12 trials, 3 at a time, finds the good region; every trial is a tracked run with its parameters", async () => {
    const alice = await makeUser(s, "sweep");
    const nb = await makeNotebook(s.url, alice.token);
    const created = await call(s.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: { notebook_id: nb, space: toySpace, objective: { metric: "loss", goal: "minimize" }, strategy: "random", seed: 7, budget: { max_trials: 12, max_parallel: 3 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await waitForSweep(s.url, alice.token, created.body.id);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.trials).toHaveLength(12);
    expect(done.trials.map((t: { number: number }) => t.number)).toEqual([...Array(12).keys()]);
    expect(done.trials.every((t: { status: string }) => t.status === "succeeded")).toBe(true);
    expect(maxOverlap(done.trials)).toBeLessThanOrEqual(3);
    // each objective is the notebook's own loss at its parameters: the trial really ran them
    for (const t of done.trials) expect(t.objective).toBeCloseTo(loss(t.params), 6);
    const best = done.trials.find((t: { number: number }) => t.number === done.best_trial);
    expect(best.objective).toBeLessThan(1.2); // the good region: lr within about a decade of 10^-2.5, depth 3..9
    expect(Math.min(...done.trials.map((t: { objective: number }) => t.objective))).toBe(best.objective);
    // trials are runs: the runs API filters by sweep, each with the parameters injected
    const runs = (await call(s.url, "GET", `/api/runs?sweep=${done.id}&limit=100`, { token: alice.token })).body.runs;
    expect(runs).toHaveLength(12);
    const run = (await call(s.url, "GET", `/api/runs/${best.run_id}`, { token: alice.token })).body;
    expect(run).toMatchObject({ kind: "batch", status: "finished", injected: best.params, image_digest: expect.stringMatching(/^sha256:/) });
    expect(run.metrics.loss.last).toBeCloseTo(best.objective, 6);
    // the same seed chooses the same parameters
    const again = await call(s.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: { notebook_id: nb, space: toySpace, objective: { metric: "loss" }, strategy: "random", seed: 7, budget: { max_trials: 3, max_parallel: 3 } },
    });
    const replay = await waitForSweep(s.url, alice.token, again.body.id);
    expect(replay.trials.map((t: { params: unknown }) => t.params)).toEqual(done.trials.slice(0, 3).map((t: { params: unknown }) => t.params));
  });

  test("ASHA stops poor trials early: fewer steps than running all to the end, and the best trial ran to the end", async () => {
    const alice = await makeUser(s, "asha");
    const nb = await makeNotebook(s.url, alice.token, 0.4);
    const created = await call(s.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: {
        notebook_id: nb, space: toySpace, objective: { metric: "loss", goal: "minimize" }, strategy: "random", seed: 3,
        asha: { min_steps: 1, max_steps: 9, eta: 3 }, budget: { max_trials: 9, max_parallel: 3 },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await waitForSweep(s.url, alice.token, created.body.id);
    expect(done.status).toBe("succeeded");
    const pruned = done.trials.filter((t: { status: string }) => t.status === "pruned");
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      expect(t.rung).not.toBeNull();
      expect(t.error).toMatch(/^Pruned at rung/);
    }
    // steps each trial ran, from its run's metric: fewer in all than 9 trials x 9 steps
    let steps = 0;
    for (const t of done.trials) steps += (await call(s.url, "GET", `/api/runs/${t.run_id}`, { token: alice.token })).body.metrics.loss?.last_step ?? 0;
    expect(steps).toBeLessThan(9 * 9);
    const best = done.trials.find((t: { number: number }) => t.number === done.best_trial);
    expect(best.status).toBe("succeeded");
    expect((await call(s.url, "GET", `/api/runs/${best.run_id}`, { token: alice.token })).body.metrics.loss.last_step).toBe(9);
    // a pruned trial's container is gone, and its run says it was stopped
    const stopped = (await call(s.url, "GET", `/api/runs/${pruned[0].run_id}`, { token: alice.token })).body;
    expect(stopped.status).toBe("killed");
    expect(await containersLeftAfter([`org.kiln.run-id=${pruned[0].run_id}`])).toEqual([]);
  });

  test("a bad space is 400 naming the parameter; bob cannot see or cancel alice's sweep; cancel stops every trial", async () => {
    const alice = await makeUser(s, "swbad");
    const bob = await makeUser(s, "swbob");
    const nb = await makeNotebook(s.url, alice.token, 5);
    const body = (space: unknown) => ({ notebook_id: nb, space, objective: { metric: "loss" }, budget: { max_trials: 4 } });
    const bad: [unknown, string][] = [
      [{ lr: { type: "uniform", low: 1, high: 0.1 } }, "space.lr.low"],
      [{ lr: { type: "loguniform", low: 0, high: 1 } }, "space.lr.low"],
      [{ width: { type: "int", low: 1, high: 4 } }, "space.width"],
    ];
    for (const [space, field] of bad) {
      const r = await call(s.url, "POST", "/api/sweeps", { token: alice.token, body: body(space) });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await call(s.url, "GET", "/api/sweeps", { token: alice.token })).body.sweeps).toEqual([]); // nothing half-made

    const created = await call(s.url, "POST", "/api/sweeps", { token: alice.token, body: { ...body(toySpace), budget: { max_trials: 4, max_parallel: 2 } } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await call(s.url, "GET", `/api/sweeps/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "POST", `/api/sweeps/${id}/cancel`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "GET", "/api/sweeps", { token: bob.token })).body.sweeps).toEqual([]);
    const running = await waitForSweep(s.url, alice.token, id, (x) => x.trials.filter((t: { status: string; run_id: number | null }) => t.status === "running" && t.run_id).length === 2);
    const cancelled = await call(s.url, "POST", `/api/sweeps/${id}/cancel`, { token: alice.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    expect(cancelled.body.trials.every((t: { status: string }) => t.status === "cancelled")).toBe(true);
    for (const t of running.trials) expect(await containersLeftAfter([`org.kiln.run-id=${t.run_id}`])).toEqual([]);
    // no trial started after the cancel (by now its controller has ticked several times)
    expect((await call(s.url, "GET", `/api/sweeps/${id}`, { token: alice.token })).body.trials).toHaveLength(2);
  });
});

describe("TPE through the controller", () => {
  const s = inject("servers").find((x) => x.backend === "postgres")!;
  test("after its random start-up trials, TPE's trials land nearer the optimum than the start-up's", async () => {
    const alice = await makeUser(s, "tpe");
    const nb = await makeNotebook(s.url, alice.token);
    const created = await call(s.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: { notebook_id: nb, space: toySpace, objective: { metric: "loss", goal: "minimize" }, strategy: "tpe", seed: 11, options: { nStartup: 8 }, budget: { max_trials: 20, max_parallel: 1 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await waitForSweep(s.url, alice.token, created.body.id);
    expect(done.status).toBe("succeeded");
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const objectives = done.trials.map((t: { objective: number }) => t.objective);
    const startup = mean(objectives.slice(0, 8));
    const guided = mean(objectives.slice(8));
    // One at a time, each suggestion sees every trial before it: the sequence is the seed's
    // alone, and so is the outcome (the notebook's loss is a pure function of the parameters).
    // Measured: mean loss 2.46 guided against 3.72 at start-up, best 0.25 against 0.60.
    expect(guided).toBeLessThan(startup * 0.8);
    expect(Math.min(...objectives.slice(8))).toBeLessThan(Math.min(...objectives.slice(0, 8)) * 0.5);
  });
});

describe("TPE against random on the toy notebook", () => {
  const s = inject("servers").find((x) => x.backend === "postgres")!;
  test("with the same budget and seeds, TPE's best objective is better than random's on average over 5 seeds", async () => {
    const alice = await makeUser(s, "tpevs");
    const nb = await makeNotebook(s.url, alice.token);
    // One trial at a time: each suggestion sees every finished trial, so each sweep is its seed's alone.
    const sweep = async (strategy: string, seed: number) => {
      const r = await call(s.url, "POST", "/api/sweeps", {
        token: alice.token,
        body: { notebook_id: nb, space: toySpace, objective: { metric: "loss" }, strategy, seed, budget: { max_trials: 30, max_parallel: 1 } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as number;
    };
    const seeds = [1, 2, 3, 4, 5];
    const ids = await Promise.all(seeds.flatMap((seed) => [sweep("tpe", seed), sweep("random", seed)]));
    const best: number[] = [];
    for (const id of ids) {
      const done = await waitForSweep(s.url, alice.token, id, undefined, 600_000);
      expect(done.status).toBe("succeeded");
      best.push(Math.min(...done.trials.map((t: { objective: number }) => t.objective)));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Over the loss's floor (1/9: the notebook's 1/step term at step 9), as TPE and random approach it.
    const floor = 1 / 9;
    const tpe = mean(best.filter((_, i) => i % 2 === 0)) - floor;
    const random = mean(best.filter((_, i) => i % 2 === 1)) - floor;
    // Measured (the sequence is the seeds' alone): TPE 0.029 above the floor, random 0.079, 0.36x. Required: under 0.6x.
    expect(tpe).toBeLessThan(random * 0.6);
  }, 900_000);
});
