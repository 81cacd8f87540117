import { integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

/** A pipeline: a name in its owner's namespace; what it does is in its versions. */
export const pipelines = pgTable(
  "pipelines",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
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
