import { boolean, integer, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

/** The image catalog admins maintain: what users may start, and within which limits. */
export const images = pgTable("images", {
  name: text("name").primaryKey(),
  /** A Docker image reference, e.g. kiln/python:latest. */
  reference: text("reference").notNull(),
  description: text("description").notNull().default(""),
  defaultCpu: real("default_cpu").notNull(),
  defaultMemoryMb: integer("default_memory_mb").notNull(),
  maxCpu: real("max_cpu").notNull(),
  maxMemoryMb: integer("max_memory_mb").notNull(),
  maxGpus: integer("max_gpus").notNull().default(0),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type ImageRow = typeof images.$inferSelect;
