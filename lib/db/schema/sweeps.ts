import { bigint, bigserial, doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { notebooks, type NotebookDoc } from "./notebooks";
import { pipelineRuns, pipelines } from "./pipelines";
import { runs } from "./runs";
import { users } from "./users";

export type SweepStatus = "running" | "succeeded" | "failed" | "cancelled";
export type TrialStatus = "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";

export interface SweepObjective {
  metric: string;
  goal: "minimize" | "maximize";
  /** The metric's last value, or its best over the trial's steps. */
  at: "last" | "best";
}
export interface SweepBudget {
  max_trials: number;
  max_parallel: number;
  max_gpu_hours?: number;
  max_wall_s?: number;
}
export interface SweepAsha {
  min_steps: number;
  max_steps: number;
  eta: number;
}

/**
 * A sweep: trials of one notebook (as it was when the sweep began) over a search space,
 * chosen by a strategy, judged on one metric. Its controller is one Kiln at a time (the
 * lease: `worker`, `heartbeat_at`); any Kiln takes a sweep whose controller went quiet.
 */
export const sweeps = pgTable(
  "sweeps",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    notebookId: integer("notebook_id").references(() => notebooks.id, { onDelete: "set null" }),
    /** Set for a sweep of a pipeline: each trial is a run of it (the notebook fields then name the pipeline and its version). */
    pipelineId: integer("pipeline_id").references(() => pipelines.id, { onDelete: "cascade" }),
    notebookName: text("notebook_name").notNull(),
    notebookRevision: integer("notebook_revision").notNull(),
    source: jsonb("source").$type<NotebookDoc>().notNull(),
    space: jsonb("space").$type<Record<string, unknown>>().notNull(),
    objective: jsonb("objective").$type<SweepObjective>().notNull(),
    strategy: text("strategy").$type<"grid" | "random" | "tpe">().notNull(),
    options: jsonb("options").$type<Record<string, unknown>>(),
    asha: jsonb("asha").$type<SweepAsha | null>(),
    budget: jsonb("budget").$type<SweepBudget>().notNull(),
    seed: integer("seed").notNull(),
    resources: jsonb("resources").$type<{ image?: string; cpu?: number; memory_mb?: number; gpus?: number }>().notNull().default({}),
    timeoutS: integer("timeout_s").notNull().default(3600),
    status: text("status").$type<SweepStatus>().notNull(),
    error: text("error"),
    worker: text("worker"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [index("sweeps_owner_idx").on(t.ownerId, t.id), index("sweeps_status_idx").on(t.status)],
);

/** One trial: its parameters (what the strategy chose for its number), its tracked run, its objective. */
export const sweepTrials = pgTable(
  "sweep_trials",
  {
    id: serial("id").primaryKey(),
    sweepId: integer("sweep_id").notNull().references(() => sweeps.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<TrialStatus>().notNull(),
    runId: integer("run_id").references(() => runs.id, { onDelete: "set null" }),
    /** A pipeline sweep's trial: its pipeline run. */
    pipelineRunId: integer("pipeline_run_id").references(() => pipelineRuns.id, { onDelete: "set null" }),
    objective: doublePrecision("objective"),
    /** The last step the trial reported its metric at, and (pruned) the rung it reached. */
    steps: integer("steps").notNull().default(0),
    rung: integer("rung"),
    attempt: integer("attempt").notNull().default(0),
    worker: text("worker"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    process: jsonb("process").$type<{ spawner: string; state: Record<string, unknown> }>(),
    gpus: integer("gpus").notNull().default(0),
    error: text("error"),
    /** When the strategy chose it, and when its container was asked for: the scheduling overhead between. */
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
    launchedAt: timestamp("launched_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("sweep_trials_number_key").on(t.sweepId, t.number), index("sweep_trials_run_idx").on(t.runId)],
);

/** A trial's terminal output, in chunks, as a pipeline step's. */
export const trialLogs = pgTable(
  "trial_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    trialId: integer("trial_id").notNull().references(() => sweepTrials.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    data: text("data").notNull(),
    sourceOffset: bigint("source_offset", { mode: "number" }).notNull().default(0),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("trial_logs_trial_idx").on(t.trialId, t.id)],
);

export type SweepRow = typeof sweeps.$inferSelect;
export type TrialRow = typeof sweepTrials.$inferSelect;
