import type { SeriesBucket } from "@/lib/runs/metrics/types";
import type { NbOutput } from "../notebook/types";

/** The server's bucket shape, as GET /api/runs/{id}/metrics/{key} sends it. */
export type { SeriesBucket };
/** The runs API's shapes as the browser sees them (lib/runs/serialize.ts and lib/runs/get.ts are the source of truth). */

export type RunStatus = "queued" | "running" | "finished" | "failed" | "killed";
export type RunKind = "interactive" | "batch" | "step";

export interface MetricSummary {
  last: number | null;
  last_step: number | null;
  min: number | null;
  max: number | null;
  count: number;
}

export interface DataPin {
  dataset: string;
  owner: string;
  version: number;
  checks_status: "passed" | "failed" | "none" | string;
}

export interface RunModel {
  id: number;
  owner: string;
  notebook_id: number | null;
  notebook_name: string;
  notebook_revision: number;
  kind: RunKind;
  status: RunStatus;
  /** An interactive run's kernel: "executing" while a cell is queued or running, "idle" between cells, null once ended. */
  activity?: "executing" | "idle" | null;
  reproduces_id: number | null;
  image: string;
  image_digest: string | null;
  resources: { cpu?: number; memory_mb?: number; gpus?: number; gpu_ids?: string[] } | null;
  /** The GPUs the run's server held while it lasted, with their GPU-seconds (the run's page only). */
  gpus?: { uuid: string; model: string; gpu_seconds: number }[];
  started_at: string;
  ended_at: string | null;
  duration_s: number;
  error: string | null;
  public: boolean;
  shared_groups: string[];
  params: Record<string, string>;
  metrics: Record<string, MetricSummary>;
  tags: Record<string, string>;
  inputs: DataPin[];
}

export interface RunCell {
  execution_id: number;
  cell_id: string;
  code: string;
  status: string;
  execution_count: number | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  output_summary: string;
  /** How the cell failed (the traceback itself is among the outputs). */
  error?: { ename: string; evalue: string } | null;
  outputs?: NbOutput[];
}

export interface RunArtifact {
  path: string;
  kind: string;
  size: number;
  sha256: string;
  created_at: string;
}

export interface RunDetail extends RunModel {
  cells: RunCell[];
  artifacts: RunArtifact[];
  has_output: boolean;
  /** A pipeline step's tracked run: the pipeline run and step it was an attempt of. */
  pipeline_step: { pipeline_id: number; pipeline: string; pipeline_run_id: number; step: string; attempt: number | null } | null;
}

export interface RunList {
  runs: RunModel[];
  total: number;
  param_keys: string[];
  metric_keys: string[];
}


export interface MetricSeries {
  key: string;
  downsampled: boolean;
  /** `ts`: when the point was logged (ISO). */
  points: { step: number; value: number | null; ts?: string }[];
  /** `ts`: when the bucket's first point was logged (ISO), with `x=time`. */
  buckets?: (Omit<SeriesBucket, "ts"> & { ts?: string })[];
}

export interface RunCode {
  cell_id: string;
  code: string;
}

export interface RunComparison {
  runs: RunModel[];
  params: Record<string, Record<string, string | null>>;
  differing_params: string[];
  metric_keys: string[];
  /** Each run's cells by run id, in the order they first ran. */
  code: Record<string, RunCode[]>;
}

export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];
