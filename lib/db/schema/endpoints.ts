import { boolean, index, integer, jsonb, pgTable, primaryKey, real, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { models, modelVersions } from "./models";
import { users } from "./users";

export interface PromotionGate {
  metric: string;
  /** "max": higher is better (accuracy); "min": lower is better (loss). */
  direction: "max" | "min";
}

/**
 * A served model: `/serve/{name}/predict` and the Open Inference Protocol's
 * `/v2/models/{name}`. Names are one namespace for the instance (they are URLs). Private
 * endpoints take their own token (hashed here, shown once); public ones take none.
 */
export const endpoints = pgTable(
  "endpoints",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    modelId: integer("model_id").notNull().references(() => models.id, { onDelete: "cascade" }),
    public: boolean("public").notNull().default(false),
    tokenHash: text("token_hash").notNull(),
    /** Dynamic batching: requests that arrive while the model runs join the next run, up to this many rows... */
    maxBatch: integer("max_batch").notNull().default(32),
    /** ...and an idle model waits this long (ms) for more to join (0: it runs at once). */
    maxWaitMs: integer("max_wait_ms").notNull().default(0),
    state: text("state", { enum: ["running", "stopped"] }).notNull().default("running"),
    /** The share of requests (0..1) kept with their answers as a dataset version per day; 0: none (the default). */
    sampleRate: real("sample_rate").notNull().default(0),
    /** Automatic promotion: a newly registered version that beats the serving one on this metric takes all traffic. */
    gate: jsonb("gate").$type<PromotionGate | null>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("endpoints_name_key").on(t.name), index("endpoints_owner_idx").on(t.ownerId)],
);

/** Which versions answer, and in what share: one row is a plain deployment, two a canary. */
export const endpointTraffic = pgTable(
  "endpoint_traffic",
  {
    endpointId: integer("endpoint_id").notNull().references(() => endpoints.id, { onDelete: "cascade" }),
    versionId: integer("version_id").notNull().references(() => modelVersions.id, { onDelete: "cascade" }),
    weight: integer("weight").notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.versionId] })],
);

/** The deployment history: every change of traffic, with who and why. */
export const endpointEvents = pgTable(
  "endpoint_events",
  {
    id: serial("id").primaryKey(),
    endpointId: integer("endpoint_id").notNull().references(() => endpoints.id, { onDelete: "cascade" }),
    action: text("action").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("endpoint_events_endpoint_idx").on(t.endpointId, t.id)],
);

export type EndpointRow = typeof endpoints.$inferSelect;
