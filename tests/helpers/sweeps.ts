import { expect } from "vitest";
import { call } from "./http";
import { uniq } from "./kiln";

/**
 * A toy notebook whose loss is a known function of lr (best at 10^-2.5) and depth (best at
 * 6), reported at steps 1..9 (it falls as 1/step toward its floor): the good region is
 * loss < 1.2 at the last step. `pause` seconds between steps give a pruner time to act.
 */
export function toyNotebook(pause = 0) {
  return [
    { id: "params", cell_type: "code", source: `lr = 0.01\ndepth = 3\npause = ${pause}`, metadata: { tags: ["parameters"] } },
    {
      id: "train", cell_type: "code", metadata: {},
      source: [
        "import math, time",
        "for step in range(1, 10):",
        "    loss = (math.log10(lr) + 2.5) ** 2 + 0.1 * (depth - 6) ** 2 + 1.0 / step",
        '    kiln.report("loss", loss, step)',
        "    if pause:",
        "        kiln.flush()",
        "        time.sleep(pause)",
        "        if kiln.should_stop():",
        '            print("stopping early, as asked")',
        "            break",
      ].join("\n"),
    },
  ];
}

export const toySpace = { lr: { type: "loguniform", low: 1e-5, high: 1 }, depth: { type: "int", low: 1, high: 12 } };

export async function makeNotebook(base: string, token: string, pause = 0): Promise<number> {
  const r = await call(base, "POST", "/api/notebooks", { token, body: { name: uniq("toy"), cells: toyNotebook(pause) } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

export async function waitForSweep(base: string, token: string, id: number, until: (s: any) => boolean = (s) => s.status !== "running", timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await call(base, "GET", `/api/sweeps/${id}`, { token })).body;
    if (until(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`sweep ${id} did not reach the state in time: ${JSON.stringify(last)}`);
}

/** The most trials that ran at the same moment, from their start and end times. */
export function maxOverlap(trials: { started_at: string | null; ended_at: string | null }[]): number {
  const events = trials.filter((t) => t.started_at && t.ended_at).flatMap((t) => [[new Date(t.started_at!).getTime(), 1], [new Date(t.ended_at!).getTime(), -1]] as [number, number][]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of events) most = Math.max(most, (now += d));
  return most;
}
