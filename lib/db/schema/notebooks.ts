import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { storableJsonb, storableText } from "../storable";
import { users } from "./users";

/** An nbformat 4 document as stored: the JSON exactly as nbformat defines it. */
export type NotebookDoc = {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
};
export type NotebookCell = {
  id: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
};

/**
 * A notebook Kiln keeps (not a file on a user's volume): nbformat 4 in `content`,
 * `revision` counting saves (a save names the revision it edited: a stale one is a 409,
 * never a silent overwrite). Deleting sets `deleted_at`; the row is purged 30 days later.
 */
export const notebooks = pgTable(
  "notebooks",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    content: storableJsonb<NotebookDoc>("content").notNull(),
    revision: integer("revision").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("notebooks_owner_name_key").on(t.ownerId, t.name).where(sql`${t.deletedAt} is null`),
    index("notebooks_owner_idx").on(t.ownerId, t.updatedAt),
  ],
);

/** Snapshots to go back to: written by autosave at most every few minutes, and before a restore or import. */
export const notebookRevisions = pgTable(
  "notebook_revisions",
  {
    id: serial("id").primaryKey(),
    notebookId: integer("notebook_id").notNull().references(() => notebooks.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    content: storableJsonb<NotebookDoc>("content").notNull(),
    reason: text("reason", { enum: ["autosave", "checkpoint", "before-restore", "import"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("notebook_revisions_notebook_idx").on(t.notebookId, t.createdAt)],
);

/**
 * One execution of one cell, recorded as it happens: Kiln is the kernel's client, so a
 * closed tab loses nothing. `outputs` are nbformat outputs, appended as they arrive.
 * The experiments issue reads runs from here.
 */
export const executions = pgTable(
  "executions",
  {
    id: serial("id").primaryKey(),
    notebookId: integer("notebook_id").notNull().references(() => notebooks.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** The experiment run this execution belongs to (lib/runs); no FK: runs.ts imports this file. */
    runId: integer("run_id"),
    cellId: text("cell_id").notNull(),
    kernelId: text("kernel_id").notNull(),
    /** Jupyter's msg_id of the execute_request: replies and outputs name it as their parent. */
    msgId: text("msg_id").notNull(),
    /**
     * The Jupyter session id of Kiln's kernel WebSocket that sent it: after a Kiln restart,
     * reconnecting with it makes Jupyter replay what the kernel sent meanwhile.
     */
    kernelSession: text("kernel_session"),
    code: storableText("code").notNull(),
    status: text("status", { enum: ["queued", "running", "ok", "error", "aborted"] }).notNull(),
    executionCount: integer("execution_count"),
    outputs: storableJsonb<unknown[]>("outputs").notNull().default([]),
    error: storableJsonb<{ ename: string; evalue: string } | null>("error"),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    index("executions_notebook_idx").on(t.notebookId, t.id), uniqueIndex("executions_msg_key").on(t.msgId), index("executions_run_idx").on(t.runId, t.id),
    // Every replica looks for cells left running by one that died, every two seconds (lib/notebook-sessions/owner.ts).
    index("executions_open_idx").on(t.notebookId).where(sql`status in ('queued', 'running')`),
  ],
);

export type NotebookRow = typeof notebooks.$inferSelect;
export type ExecutionRow = typeof executions.$inferSelect;
