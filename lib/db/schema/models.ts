import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { BlobChunk } from "./runs";
import { users } from "./users";

/** What a model version takes and gives, read from its ONNX file (lib/models/signature.ts). */
export interface TensorSpec {
  name: string;
  /** ONNX element type as onnxruntime names it: float32, float64, int64, string, bool... */
  type: string;
  /** Dimensions; a name (e.g. "N") or null where the model leaves one free. */
  shape: (number | string | null)[];
}
export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** The raw columns, when kiln.prep is inside the graph (one [N,1] input per column). */
  columns: { name: string; type: "number" | "string" }[] | null;
  task: "classification" | "regression" | null;
  classes: unknown[] | null;
}

/** Where a version came from: enough to answer "which data, code and image made this?" after the run is gone. */
export interface ModelLineage {
  run_id: number;
  notebook_id: number | null;
  notebook_name: string;
  notebook_revision: number;
  image: string;
  image_digest: string;
  datasets: { dataset: string; owner: string; version: number }[];
  params: Record<string, unknown>;
}

/** A registered model: a name in its owner's namespace (MLflow's registered model). */
export const models = pgTable(
  "models",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    public: boolean("public").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("models_owner_name_key").on(t.ownerId, t.name)],
);

/**
 * One version: the ONNX bytes (chunks in the blob store, so the version outlives its run's
 * deletion), its signature, the run's metrics at registration, and its lineage. Versions
 * never change once registered; aliases move between them.
 */
export const modelVersions = pgTable(
  "model_versions",
  {
    id: serial("id").primaryKey(),
    modelId: integer("model_id").notNull().references(() => models.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** No foreign key: lineage outlives the run. */
    runId: integer("run_id"),
    artifactPath: text("artifact_path").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    chunks: jsonb("chunks").$type<BlobChunk[]>().notNull(),
    signature: jsonb("signature").$type<ModelSignature>().notNull(),
    metrics: jsonb("metrics").$type<Record<string, number>>().notNull().default({}),
    lineage: jsonb("lineage").$type<ModelLineage | null>(),
    description: text("description").notNull().default(""),
    registeredBy: integer("registered_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("model_versions_model_version_key").on(t.modelId, t.version), index("model_versions_run_idx").on(t.runId)],
);

/** Named pointers to a version (`production`, `staging`, anything): moving one is one row update. */
export const modelAliases = pgTable(
  "model_aliases",
  {
    modelId: integer("model_id").notNull().references(() => models.id, { onDelete: "cascade" }),
    alias: text("alias").notNull(),
    versionId: integer("version_id").notNull().references(() => modelVersions.id, { onDelete: "cascade" }),
    updatedBy: integer("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.alias] })],
);

export type ModelRow = typeof models.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;
