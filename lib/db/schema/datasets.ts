import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { ColumnProfile } from "../../datasets/csv/profile";
import { groups } from "./groups";
import { type BlobChunk, runs } from "./runs";
import { users } from "./users";

/** Data checks (CI for data), declared per dataset and run on every new version. */
export type DataChecks = {
  columns?: Record<string, "int" | "float" | "string" | "bool">;
  max_null_ratio?: number;
  null_ratio?: Record<string, number>;
  ranges?: Record<string, [number, number]>;
  rows?: [number, number];
};
export type CheckResult = { check: string; passed: boolean; detail: string };
export type ManifestFile = {
  path: string;
  size: number;
  sha256: string;
  chunks: BlobChunk[];
  rows?: number;
  /** A .csv/.tsv file's column profile, computed at commit (lib/datasets/csv/profile.ts); versions from before it get it on first view. */
  profile?: { columns: ColumnProfile[]; columns_total: number };
};

export const datasets = pgTable(
  "datasets",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    checks: jsonb("checks").$type<DataChecks>().notNull().default({}),
    public: boolean("public").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("datasets_owner_name_key").on(t.ownerId, t.name)],
);

export const datasetShares = pgTable(
  "dataset_shares",
  {
    datasetId: integer("dataset_id").notNull().references(() => datasets.id, { onDelete: "cascade" }),
    groupId: integer("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.groupId] })],
);

/**
 * An immutable version: its manifest (paths, sizes, hashes, chunks), its lineage (the run
 * that produced it and the versions that run had read), and its checks' outcome.
 */
export const datasetVersions = pgTable(
  "dataset_versions",
  {
    id: serial("id").primaryKey(),
    datasetId: integer("dataset_id").notNull().references(() => datasets.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    files: jsonb("files").$type<ManifestFile[]>().notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    message: text("message").notNull().default(""),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    producedByRunId: integer("produced_by_run_id").references(() => runs.id, { onDelete: "set null" }),
    parentVersionIds: jsonb("parent_version_ids").$type<number[]>().notNull().default([]),
    checksStatus: text("checks_status", { enum: ["none", "passed", "failed"] }).notNull(),
    checkResults: jsonb("check_results").$type<CheckResult[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("dataset_versions_key").on(t.datasetId, t.version)],
);

/** An upload in progress: invisible until committed; abandoned ones are purged. */
export const datasetUploads = pgTable("dataset_uploads", {
  id: text("id").primaryKey(),
  datasetId: integer("dataset_id").notNull().references(() => datasets.id, { onDelete: "cascade" }),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  runId: integer("run_id").references(() => runs.id, { onDelete: "set null" }),
  files: jsonb("files").$type<ManifestFile[]>().notNull().default([]),
  message: text("message").notNull().default(""),
  /** Checks given for this upload only, run at commit with the dataset's own. */
  checks: jsonb("checks").$type<DataChecks>().notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** What a run read: the first read of a dataset pins its version for the rest of the run. */
export const runInputs = pgTable(
  "run_inputs",
  {
    runId: integer("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    datasetId: integer("dataset_id").notNull().references(() => datasets.id, { onDelete: "cascade" }),
    versionId: integer("version_id").notNull().references(() => datasetVersions.id, { onDelete: "cascade" }),
    readAt: timestamp("read_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.datasetId] }), index("run_inputs_version_idx").on(t.versionId)],
);

export type DatasetRow = typeof datasets.$inferSelect;
export type DatasetVersionRow = typeof datasetVersions.$inferSelect;
