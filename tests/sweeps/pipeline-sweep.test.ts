import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";
import { toySpace, waitForSweep } from "../helpers/sweeps";

const loss = (p: { lr: number; depth: number }) => (Math.log10(p.lr) + 2.5) ** 2 + 0.1 * (p.depth - 6) ** 2 + 1 / 9;

/** prep -> fit, the toy loss reported by fit at steps 1..9 (`pause` s apart, for a pruner to act). */
const pipeline = (pause: number) => ({
  steps: [
    { name: "prep", code: 'print("prepared")' },
    {
      name: "fit", after: ["prep"], parameters: { lr: 0.01, depth: 3 },
      code: [
        "import math, time",
        "for step in range(1, 10):",
        "    kiln.report('loss', (math.log10(lr) + 2.5) ** 2 + 0.1 * (depth - 6) ** 2 + 1.0 / step, step)",
        `    if ${pause}:`,
        "        kiln.flush()",
        `        time.sleep(${pause})`,
      ].join("\n"),
    },
  ],
});

describe("sweeps over a pipeline", () => {
  const s = inject("servers").find((x) => x.backend === "postgres")!;
  test("each trial is a pipeline run with the trial's parameters; its objective comes from the step that logged it; ASHA stops a poor trial's pipeline run", async () => {
    const alice = await makeUser(s, "psweep");
    const made = await call(s.url, "POST", "/api/pipelines", { token: alice.token, body: { name: uniq("sweepable"), definition: pipeline(0) } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.id;
    const body = (extra: object) => ({ pipeline_id: id, space: toySpace, objective: { metric: "loss" }, strategy: "random", seed: 3, budget: { max_trials: 4, max_parallel: 2 }, ...extra });
    // a parameter no step has, or both targets: 400
    expect((await call(s.url, "POST", "/api/sweeps", { token: alice.token, body: body({ space: { width: { type: "int", low: 1, high: 3 } } }) })).body.error.field).toBe("space.width");
    expect((await call(s.url, "POST", "/api/sweeps", { token: alice.token, body: body({ notebook_id: 1 }) })).body.error.field).toBe("notebook_id");

    const created = await call(s.url, "POST", "/api/sweeps", { token: alice.token, body: body({}) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ pipeline_id: id, notebook_id: null });
    const done = await waitForSweep(s.url, alice.token, created.body.id);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.trials).toHaveLength(4);
    for (const t of done.trials) {
      expect(t.status).toBe("succeeded");
      expect(t.objective).toBeCloseTo(loss(t.params), 6);
      const run = (await call(s.url, "GET", `/api/pipeline-runs/${t.pipeline_run_id}`, { token: alice.token })).body;
      expect(run).toMatchObject({ status: "succeeded", trigger: { kind: "sweep", sweep_id: done.id, trial: t.number }, params: t.params });
      // the trial's run is the step's that logged the metric
      expect(t.run_id).toBe(run.steps.find((x: { step: string }) => x.step === "fit").run_id);
    }
    // the runs API's sweep filter finds every step's run of every trial
    expect((await call(s.url, "GET", `/api/runs?sweep=${done.id}&limit=100`, { token: alice.token })).body.runs).toHaveLength(8);

    // ASHA: a pruned trial's pipeline run is stopped
    const slow = await call(s.url, "POST", "/api/pipelines", { token: alice.token, body: { name: uniq("slow"), definition: pipeline(0.4) } });
    const asha = await call(s.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: { pipeline_id: slow.body.id, space: toySpace, objective: { metric: "loss" }, strategy: "random", seed: 3, asha: { min_steps: 1, max_steps: 9, eta: 3 }, budget: { max_trials: 6, max_parallel: 3 } },
    });
    expect(asha.status, JSON.stringify(asha.body)).toBe(201);
    const pruning = await waitForSweep(s.url, alice.token, asha.body.id);
    expect(pruning.status).toBe("succeeded");
    const pruned = pruning.trials.filter((t: { status: string }) => t.status === "pruned");
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      const run = (await call(s.url, "GET", `/api/pipeline-runs/${t.pipeline_run_id}`, { token: alice.token })).body;
      expect(run.status).toBe("cancelled");
      expect(run.error).toMatch(/sweep trial was pruned/);
    }
  }, 300_000);
});
