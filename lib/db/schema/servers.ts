import { index, integer, jsonb, pgTable, real, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * A user's running (or starting) Jupyter server. `state` is the spawner's JSON (container
 * id, port, Jupyter token): enough to find and re-adopt the server after Kiln restarts.
 * The row goes away when the server stops.
 */
export const servers = pgTable(
  "servers",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** "" for the default server, else the named server's name. */
    name: text("name").notNull(),
    image: text("image").notNull(),
    cpu: real("cpu").notNull(),
    memoryMb: integer("memory_mb").notNull(),
    gpus: integer("gpus").notNull().default(0),
    /** The devices the GPU allocator granted; what other starts see as held. */
    gpuIds: jsonb("gpu_ids").$type<string[]>().notNull().default([]),
    spawner: text("spawner").notNull(),
    status: text("status", { enum: ["pending", "ready", "stopping"] }).notNull(),
    state: jsonb("state").$type<Record<string, unknown>>().notNull().default({}),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    lastActivity: timestamp("last_activity", { withTimezone: true }),
  },
  (t) => [uniqueIndex("servers_user_name_key").on(t.userId, t.name), index("servers_status_idx").on(t.status)],
);

export type ServerRow = typeof servers.$inferSelect;
