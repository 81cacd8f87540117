/** The sweeps API's answers (lib/api/sweeps-endpoints.ts), as the pages read them. */
import type { Dimension } from "@/lib/sweeps/strategies/space";

export type { Dimension };
export type SweepStatus = "running" | "succeeded" | "failed" | "cancelled";
export type TrialStatus = "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
export type Goal = "minimize" | "maximize";

export interface Objective {
  metric: string;
  goal: Goal;
  at: "last" | "best";
}

export interface Trial {
  number: number;
  params: Record<string, unknown>;
  status: TrialStatus;
  run_id: number | null;
  objective: number | null;
  steps: number;
  rung: number | null;
  attempt: number;
  gpus: number;
  error: string | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  gpu_seconds: number;
}

export interface Sweep {
  id: number;
  owner: string;
  notebook_id: number | null;
  pipeline_id: number | null;
  notebook: string;
  space: Record<string, Dimension>;
  objective: Objective;
  strategy: "grid" | "random" | "tpe";
  asha: { min_steps: number; max_steps: number; eta: number } | null;
  budget: { max_trials: number; max_parallel?: number; max_gpu_hours?: number; max_wall_s?: number };
  seed: number;
  status: SweepStatus;
  error: string | null;
  created_at: string;
  ended_at: string | null;
  best_trial: number | null;
  trials: Trial[];
}

export interface SweepSummary {
  id: number;
  owner: string;
  notebook_id: number | null;
  pipeline_id: number | null;
  notebook: string;
  strategy: Sweep["strategy"];
  objective: Objective;
  status: SweepStatus;
  trials: number;
  max_trials: number;
  created_at: string;
  ended_at: string | null;
}

export const sweepPage = (id: number) => `/sweeps/${id}`;
/** A trial's tracked run (the Experiments section). */
export const runPage = (id: number) => `/experiments/${id}`;
export const STRATEGY_LABEL: Record<Sweep["strategy"], string> = { tpe: "TPE", random: "Random", grid: "Grid" };
export const objectiveText = (o: Objective) => `${o.goal} ${o.metric} (${o.at === "best" ? "its best step" : "last step"})`;

/** Parameters in a fixed order: the server's own (sorted names), not jsonb's. */
export const paramNames = (space: Record<string, unknown>) => Object.keys(space).sort();

export type Scored = Trial & { objective: number };
/** A trial with an objective to plot: it succeeded, or was pruned after reporting one. */
export const isScored = (t: Trial): t is Scored => t.objective !== null && (t.status === "succeeded" || t.status === "pruned");
