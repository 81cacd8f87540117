import { z } from "zod";
import { ValidationError } from "../errors";

export const createSweepBody = z
  .object({
    notebook_id: z.number().int().positive().optional().describe("The notebook whose trials run: as it is saved now, whole, its parameters injected after the cell tagged `parameters`"),
    pipeline_id: z.number().int().positive().optional().describe("Or a pipeline: each trial is a run of its latest version with the trial's parameters"),
    space: z.record(z.string(), z.unknown()).describe("Parameter -> {type: choice|uniform|loguniform|int|quniform, ...}; every parameter is one the notebook's parameters cell assigns"),
    objective: z
      .object({ metric: z.string().min(1).max(250), goal: z.enum(["minimize", "maximize"]).default("minimize"), at: z.enum(["last", "best"]).default("last") })
      .strict(),
    strategy: z.enum(["grid", "random", "tpe"]).default("tpe"),
    options: z.record(z.string(), z.unknown()).optional().describe("The strategy's options (grid: gridPoints; tpe: nStartup, nCandidates)"),
    asha: z
      .object({ min_steps: z.number().int().min(1), max_steps: z.number().int().min(2), eta: z.number().int().min(2).max(10).default(3) })
      .strict()
      .optional()
      .describe("Stop poor trials early from the metric's steps (asynchronous successive halving)"),
    budget: z
      .object({
        max_trials: z.number().int().min(1).max(10_000),
        max_parallel: z.number().int().min(1).max(100).default(2),
        max_gpu_hours: z.number().positive().optional(),
        max_wall_s: z.number().int().positive().optional(),
      })
      .strict(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    resources: z.object({ image: z.string().min(1).max(200).optional(), cpu: z.number().positive().max(64).optional(), memory_mb: z.number().int().min(64).optional(), gpus: z.number().int().min(0).max(16).optional() }).strict().default({}),
    timeout_s: z.number().int().min(1).max(7 * 24 * 3600).default(3600),
  })
  .strict();

export type CreateSweep = z.output<typeof createSweepBody>;

export function checkAsha(a: CreateSweep["asha"]) {
  if (a && a.min_steps >= a.max_steps) throw new ValidationError("asha.min_steps must be below asha.max_steps", "asha.min_steps");
}
