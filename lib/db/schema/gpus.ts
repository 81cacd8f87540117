import { index, integer, pgTable, real, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { groups } from "./groups";
import { users } from "./users";

/**
 * The GPU inventory, one row per device Kiln has seen on any host (nvidia-smi or a declared
 * inventory). A device that disappeared is `lost`, never deleted or handed to another
 * holder; the holder columns say who has it now (null: free). A holder is a kind and an id
 * (a server today; a pipeline step, a sweep trial, an endpoint later), not a foreign key.
 */
export const gpus = pgTable(
  "gpus",
  {
    uuid: text("uuid").primaryKey(),
    host: text("host").notNull(),
    index: integer("index").notNull(),
    model: text("model").notNull(),
    memoryMb: integer("memory_mb").notNull(),
    state: text("state", { enum: ["available", "lost"] }).notNull().default("available"),
    holderKind: text("holder_kind"),
    holderId: text("holder_id"),
    holderUserId: integer("holder_user_id").references(() => users.id, { onDelete: "set null" }),
    heldSince: timestamp("held_since", { withTimezone: true }),
    /** The allocation (accounting row) the current holder's use is charged to. */
    allocationId: integer("allocation_id"),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("gpus_holder_idx").on(t.holderKind, t.holderId), index("gpus_host_idx").on(t.host), index("gpus_holder_user_idx").on(t.holderUserId)],
);

/**
 * Accounting: one row per GPU per holding, kept for ever. GPU-seconds are ended_at -
 * started_at; an open row (ended_at null) is a GPU held now. The group charged is the one
 * whose quota let the request through (null: the user's own or the default).
 */
export const gpuAllocations = pgTable(
  "gpu_allocations",
  {
    id: serial("id").primaryKey(),
    gpuUuid: text("gpu_uuid").notNull(),
    model: text("model").notNull(),
    host: text("host").notNull(),
    holderKind: text("holder_kind").notNull(),
    holderId: text("holder_id").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    groupId: integer("group_id").references(() => groups.id, { onDelete: "set null" }),
    image: text("image"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    endReason: text("end_reason"),
  },
  (t) => [
    index("gpu_allocations_user_started_idx").on(t.userId, t.startedAt),
    index("gpu_allocations_holder_idx").on(t.holderKind, t.holderId),
    index("gpu_allocations_gpu_idx").on(t.gpuUuid, t.startedAt),
  ],
);

/**
 * Requests waiting for GPUs, in the database so they survive a restart and every Kiln
 * process sees one queue. Served in fair order (lib/gpus/queue.ts); a row goes when it is
 * granted or cancelled.
 */
export const gpuRequests = pgTable(
  "gpu_requests",
  {
    id: serial("id").primaryKey(),
    holderKind: text("holder_kind").notNull(),
    holderId: text("holder_id").notNull(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    count: integer("count").notNull(),
    image: text("image"),
    /** Admin's reordering: lower goes first among equals (fairness still ranks users first). */
    priority: integer("priority").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("gpu_requests_holder_key").on(t.holderKind, t.holderId), index("gpu_requests_created_idx").on(t.createdAt)],
);

/** A user's or a group's GPU quota; a null limit is "not set here" (the next most generous applies). */
export const gpuQuotas = pgTable(
  "gpu_quotas",
  {
    id: serial("id").primaryKey(),
    subjectKind: text("subject_kind", { enum: ["user", "group"] }).notNull(),
    subjectId: integer("subject_id").notNull(),
    maxGpus: integer("max_gpus"),
    maxGpuHours: real("max_gpu_hours"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("gpu_quotas_subject_key").on(t.subjectKind, t.subjectId)],
);

export type GpuRow = typeof gpus.$inferSelect;
export type GpuAllocationRow = typeof gpuAllocations.$inferSelect;
export type GpuRequestRow = typeof gpuRequests.$inferSelect;
