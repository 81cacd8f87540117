import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { runs } from "./runs";
import { users } from "./users";

/** A pipeline: a name in its owner's namespace; what it does is in its versions. */
export const pipelines = pgTable(
  "pipelines",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Told about every run's end (POST, JSON, signed with `webhookSecret`); null: nobody. */
    webhookUrl: text("webhook_url"),
    webhookSecret: text("webhook_secret"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("pipelines_owner_name_key").on(t.ownerId, t.name)],
);

/**
 * One version of a pipeline's definition (lib/pipelines/definition.ts), as validated. A
 * version never changes: an edit makes the next one, and a run names the version it ran.
 */
export const pipelineVersions = pgTable(
  "pipeline_versions",
  {
    id: serial("id").primaryKey(),
    pipelineId: integer("pipeline_id").notNull().references(() => pipelines.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    definition: jsonb("definition").$type<import("../../pipelines/definition").PipelineDefinition>().notNull(),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("pipeline_versions_pipeline_version_key").on(t.pipelineId, t.version)],
);

export type PipelineRow = typeof pipelines.$inferSelect;
export type PipelineVersionRow = typeof pipelineVersions.$inferSelect;

export type PipelineRunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type StepRunStatus = "waiting" | "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "cached";

/** What started a pipeline run: a person (or token), a schedule's tick, a new dataset version. */
export type PipelineTrigger =
  | { kind: "manual"; user_id: number }
  | { kind: "schedule"; schedule_id: number; tick: string }
  | { kind: "dataset"; schedule_id: number; dataset_id: number; version_id: number; version: number }
  | { kind: "sweep"; sweep_id: number; trial: number };

/** One run of one pipeline version; its steps are step runs. */
export const pipelineRuns = pgTable(
  "pipeline_runs",
  {
    id: serial("id").primaryKey(),
    pipelineId: integer("pipeline_id").notNull().references(() => pipelines.id, { onDelete: "cascade" }),
    versionId: integer("version_id").notNull().references(() => pipelineVersions.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    status: text("status").$type<PipelineRunStatus>().notNull(),
    trigger: jsonb("trigger").$type<PipelineTrigger>().notNull(),
    /** Overrides of the steps' parameters, by parameter name, for every step that declares it. */
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    /** Dataset versions the run pinned for its steps' dataset inputs: "dataset id" -> version id. */
    pins: jsonb("pins").$type<Record<string, number>>().notNull().default({}),
    error: text("error"),
    cancelledBy: integer("cancelled_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [index("pipeline_runs_pipeline_idx").on(t.pipelineId, t.id), index("pipeline_runs_status_idx").on(t.status)],
);

/** One attempt of a step, as the run page lists them. */
export interface StepAttempt {
  attempt: number;
  run_id: number | null;
  status: "running" | "succeeded" | "failed" | "lost" | "cancelled";
  error: string | null;
  started_at: string;
  /** When Kiln asked the engine for the attempt's container (null: it never got that far). */
  launched_at?: string | null;
  ended_at: string | null;
}

/** What a step produced, by output name: a dataset version, an artifact or a model of its run. */
export type StepOutputs = Record<string, { kind: "dataset"; dataset_id: number; version_id: number; version: number } | { kind: "artifact" | "model"; run_id: number; path: string }>;

/**
 * One step of a pipeline run. Claimed by one worker at a time (status queued -> running is
 * a conditional update), which keeps `heartbeat_at` fresh while it runs: a step whose
 * heartbeat stops (its Kiln died) is taken over by any Kiln, its container removed and the
 * step queued again as a new attempt.
 */
export const pipelineStepRuns = pgTable(
  "pipeline_step_runs",
  {
    id: serial("id").primaryKey(),
    pipelineRunId: integer("pipeline_run_id").notNull().references(() => pipelineRuns.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    status: text("status").$type<StepRunStatus>().notNull(),
    attempt: integer("attempt").notNull().default(0),
    attempts: jsonb("attempts").$type<StepAttempt[]>().notNull().default([]),
    /** The tracked run of the latest attempt (or of the original, for a cached step). */
    runId: integer("run_id").references(() => runs.id, { onDelete: "set null" }),
    cachedFromId: integer("cached_from_id"),
    cacheKey: text("cache_key"),
    outputs: jsonb("outputs").$type<StepOutputs>().notNull().default({}),
    /** The worker holding it, and where its process is (spawner kind and state) to stop it. */
    worker: text("worker"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    process: jsonb("process").$type<{ spawner: string; state: Record<string, unknown> }>(),
    error: text("error"),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("pipeline_step_runs_run_step_key").on(t.pipelineRunId, t.step), index("pipeline_step_runs_status_idx").on(t.status), index("pipeline_step_runs_cache_idx").on(t.cacheKey)],
);

/**
 * A step's terminal output, in order (stdout and stderr as one terminal shows them), kept
 * in chunks as it arrives: the run page replays them and follows new ones.
 */
export const stepLogs = pgTable(
  "step_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    stepRunId: integer("step_run_id").notNull().references(() => pipelineStepRuns.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    data: text("data").notNull(),
    /** Bytes of the job's output up to the end of this chunk: an adopting Kiln resumes after them. */
    sourceOffset: bigint("source_offset", { mode: "number" }).notNull().default(0),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("step_logs_step_idx").on(t.stepRunId, t.id)],
);

/**
 * What starts a pipeline without anyone: a cron expression in a time zone, or a dataset
 * whose new versions that pass their checks start a run with that version pinned.
 * `nextAt` is claimed by a conditional update, so each tick runs once across Kilns.
 */
export const pipelineSchedules = pgTable(
  "pipeline_schedules",
  {
    id: serial("id").primaryKey(),
    pipelineId: integer("pipeline_id").notNull().references(() => pipelines.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"cron" | "dataset">().notNull(),
    cron: text("cron"),
    timezone: text("timezone"),
    datasetId: integer("dataset_id"),
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    paused: boolean("paused").notNull().default(false),
    nextAt: timestamp("next_at", { withTimezone: true }),
    lastAt: timestamp("last_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("pipeline_schedules_pipeline_idx").on(t.pipelineId), index("pipeline_schedules_next_idx").on(t.nextAt), index("pipeline_schedules_dataset_idx").on(t.datasetId)],
);

export type PipelineRunRow = typeof pipelineRuns.$inferSelect;
export type StepRunRow = typeof pipelineStepRuns.$inferSelect;
export type ScheduleRow = typeof pipelineSchedules.$inferSelect;
