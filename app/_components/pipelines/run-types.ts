/** The pipeline-runs API's answers (lib/api/pipeline-runs-endpoints.ts), as the pages read them. */
export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type StepStatus = "waiting" | "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "cached";
export type Scalar = string | number | boolean | null;

export type Trigger =
  | { kind: "manual"; user_id?: number }
  | { kind: "schedule"; schedule_id: number; tick: string }
  | { kind: "dataset"; schedule_id: number; dataset_id: number; version_id: number; version: number }
  | { kind: "sweep"; sweep_id: number; trial: number };

export interface Attempt {
  attempt: number;
  run_id: number | null;
  status: "running" | "succeeded" | "failed" | "lost" | "cancelled";
  error: string | null;
  started_at: string;
  ended_at: string | null;
}

export type StepOutput = { kind: "dataset"; dataset_id: number; version_id: number; version: number } | { kind: "artifact" | "model"; run_id: number; path: string };

export interface StepRun {
  step: string;
  status: StepStatus;
  attempt: number;
  attempts: Attempt[];
  run_id: number | null;
  outputs: Record<string, StepOutput>;
  error: string | null;
  cached_from: { step_run_id: number; pipeline_run_id: number | null; run_id: number | null } | null;
  ready_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
}

interface RunBase {
  id: number;
  pipeline_id: number;
  pipeline: string;
  owner: string;
  version: number;
  status: RunStatus;
  trigger: Trigger;
  params: Record<string, Scalar>;
  error: string | null;
  created_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
}
export interface PipelineRun extends RunBase {
  steps: StepRun[];
}
export interface PipelineRunSummary extends RunBase {
  steps: { step: string; status: StepStatus }[];
}

export interface StepLogPage {
  step: string;
  status: StepStatus;
  attempt: number;
  chunks: { id: number; attempt: number; data: string }[];
  next: number;
  done: boolean;
}

export interface Schedule {
  id: number;
  kind: "cron" | "dataset";
  cron: string | null;
  timezone: string | null;
  dataset: string | null;
  dataset_id: number | null;
  params: Record<string, Scalar>;
  paused: boolean;
  next_at: string | null;
  last_at: string | null;
}

export const runPage = (id: number) => `/pipelines/runs/${id}`;
/** A tracked run's page (the Experiments section). */
export const trackedRunPage = (id: number) => `/experiments/${id}`;
export const isActive = (s: RunStatus | StepStatus) => s === "queued" || s === "running" || s === "waiting";
