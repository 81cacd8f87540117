import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { makeNotebook, toySpace, waitForSweep } from "../helpers/sweeps";

describe("a sweep's budget", () => {
  const s = inject("servers").find((x) => x.backend === "postgres")!;
  test("past its wall time the running trials are cancelled and no new one starts; the sweep says why", async () => {
    const alice = await makeUser(s, "budget");
    const nb = await makeNotebook(s.url, alice.token, 1.5); // about 14 s a trial: none can finish in 4 s
    const created = await call(s.url, "POST", "/api/sweeps", {
      token: alice.token,
      body: { notebook_id: nb, space: toySpace, objective: { metric: "loss" }, strategy: "random", seed: 1, budget: { max_trials: 6, max_parallel: 2, max_wall_s: 4 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await waitForSweep(s.url, alice.token, created.body.id);
    expect(done.status).toBe("failed");
    expect(done.error).toBe("Its wall-time budget was reached; no trial succeeded");
    expect(done.trials).toHaveLength(2); // the first two, cancelled; no third was started
    for (const t of done.trials) {
      expect(t.status).toBe("cancelled");
      expect(t.error).toBe("The sweep reached its wall-time budget");
    }
  }, 120_000);
});
