/** The New sweep form's fields as typed, and the POST /api/sweeps body they make. */
export interface SweepForm {
  notebook: string;
  space: string;
  metric: string;
  goal: "minimize" | "maximize";
  at: "last" | "best";
  strategy: "tpe" | "random" | "grid";
  asha: boolean;
  minSteps: string;
  maxSteps: string;
  eta: string;
  maxTrials: string;
  maxParallel: string;
  seed: string;
}

export const EXAMPLE_SPACE = JSON.stringify({ lr: { type: "loguniform", low: 1e-5, high: 1 }, depth: { type: "int", low: 1, high: 12 } }, null, 2);

export const initialForm = (notebook: string): SweepForm => ({
  notebook, space: EXAMPLE_SPACE, metric: "loss", goal: "minimize", at: "last", strategy: "tpe",
  asha: false, minSteps: "1", maxSteps: "", eta: "3", maxTrials: "20", maxParallel: "2", seed: "",
});

/** The body, or the field the form cannot send as typed (named as the API would name it). */
export function sweepBody(f: SweepForm): { body: Record<string, unknown> } | { field: string; message: string } {
  let space: unknown;
  try {
    space = JSON.parse(f.space);
  } catch (e) {
    return { field: "space", message: `Not JSON: ${(e as Error).message}` };
  }
  const n = (s: string) => Number(s);
  const body: Record<string, unknown> = {
    notebook_id: n(f.notebook), space, objective: { metric: f.metric.trim(), goal: f.goal, at: f.at }, strategy: f.strategy,
    budget: { max_trials: n(f.maxTrials), max_parallel: n(f.maxParallel) },
  };
  if (f.asha) body.asha = { min_steps: n(f.minSteps), max_steps: n(f.maxSteps), eta: n(f.eta) };
  if (f.seed.trim() !== "") body.seed = n(f.seed);
  return { body };
}
