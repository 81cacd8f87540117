import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { groups } from "./groups";
import { notebooks, type NotebookDoc } from "./notebooks";
import { storableJsonb, storableText } from "../storable";
import { users } from "./users";

export type RunResources = { cpu: number; memory_mb: number; gpus: number; gpu_ids: string[] };

/**
 * An experiment run. `interactive`: one kernel session of a notebook (a restart starts the
 * next run). `batch`: the whole notebook executed in a fresh kernel to completion
 * ("Run as experiment", papermill-style), its `source` and `output` notebooks kept.
 * Executions (lib/execution) name their run; params, metrics, artifacts and data pins
 * hang off it.
 */
export const runs = pgTable(
  "runs",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    notebookId: integer("notebook_id").references(() => notebooks.id, { onDelete: "set null" }),
    notebookName: text("notebook_name").notNull(),
    notebookRevision: integer("notebook_revision").notNull(),
    kind: text("kind", { enum: ["interactive", "batch", "step"] }).notNull(),
    status: text("status", { enum: ["queued", "running", "finished", "failed", "killed"] }).notNull(),
    /** The run this one reproduces ("Reproduce": same code, image digest and pinned data). */
    reproducesId: integer("reproduces_id"),
    kernelId: text("kernel_id"),
    /** The server its kernel runs on (no foreign key: the run outlives the server); its stop ends the run. */
    serverId: integer("server_id"),
    image: text("image").notNull(),
    imageDigest: text("image_digest").notNull().default(""),
    resources: jsonb("resources").$type<RunResources>().notNull(),
    /** batch: the values injected after the cell tagged `parameters`. */
    injected: jsonb("injected").$type<Record<string, unknown>>().notNull().default({}),
    source: storableJsonb<NotebookDoc>("source"),
    output: storableJsonb<NotebookDoc>("output"),
    error: storableText("error"),
    public: boolean("public").notNull().default(false),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [index("runs_owner_idx").on(t.ownerId, t.id), index("runs_notebook_idx").on(t.notebookId, t.id)],
);

/** Groups a run (or a dataset) is shared with: read access for their members. */
export const runShares = pgTable(
  "run_shares",
  {
    runId: integer("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    groupId: integer("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.groupId] })],
);

export const runParams = pgTable(
  "run_params",
  {
    runId: integer("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.key] }), index("run_params_key_idx").on(t.key, t.value)],
);

export const runTags = pgTable(
  "run_tags",
  {
    runId: integer("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.key] })],
);

/** Every point of every metric series. No foreign key: ingestion is COPY-fast, runs cascade by trigger-free cleanup. */
export const metricPoints = pgTable(
  "metric_points",
  {
    runId: integer("run_id").notNull(),
    key: text("key").notNull(),
    step: bigint("step", { mode: "number" }).notNull(),
    value: doublePrecision("value").notNull(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
  },
  (t) => [index("metric_points_series_idx").on(t.runId, t.key, t.step)],
);

/**
 * Summaries kept as points arrive: per series, per level, per bucket of steps (level L
 * holds buckets of 256 * 4^L steps). A chart of a million points reads a few thousand of
 * these rows instead of the points.
 */
export const metricBuckets = pgTable(
  "metric_buckets",
  {
    runId: integer("run_id").notNull(),
    key: text("key").notNull(),
    level: integer("level").notNull(),
    bucket: bigint("bucket", { mode: "number" }).notNull(),
    min: doublePrecision("min").notNull(),
    max: doublePrecision("max").notNull(),
    sum: doublePrecision("sum").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.key, t.level, t.bucket] })],
);

/** The latest value, and the range, of each series: the runs table's metric columns. */
export const runMetrics = pgTable(
  "run_metrics",
  {
    runId: integer("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    last: doublePrecision("last").notNull(),
    lastStep: bigint("last_step", { mode: "number" }).notNull(),
    min: doublePrecision("min").notNull(),
    max: doublePrecision("max").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.key] }), index("run_metrics_key_idx").on(t.key, t.last)],
);

export type BlobChunk = { hash: string; size: number };

/** Files a run logged (`kind: model` for ONNX models), stored as chunks in the blob store. */
export const runArtifacts = pgTable(
  "run_artifacts",
  {
    id: serial("id").primaryKey(),
    runId: integer("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    path: text("path").notNull(),
    kind: text("kind", { enum: ["artifact", "model"] }).notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    chunks: jsonb("chunks").$type<BlobChunk[]>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("run_artifacts_path_key").on(t.runId, t.path)],
);

export type RunRow = typeof runs.$inferSelect;
export type RunArtifactRow = typeof runArtifacts.$inferSelect;
