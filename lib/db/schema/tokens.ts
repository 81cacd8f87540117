import { index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { runs } from "./runs";
import { servers } from "./servers";
import { users } from "./users";

/**
 * API tokens. Only a SHA-256 of the token is kept: tokens are 256 random bits, so a fast
 * hash is as safe as a slow one here and keeps every authenticated request cheap.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    hash: text("hash").notNull(),
    /** The first characters of the token, shown in lists so a user can tell tokens apart. */
    prefix: text("prefix").notNull(),
    note: text("note").notNull().default(""),
    /**
     * Set for a server's own token (the `kiln` module in its kernels): it acts for the
     * owner on the kernel-facing routes only, and goes when the server does.
     */
    serverId: integer("server_id").references(() => servers.id, { onDelete: "cascade" }),
    /**
     * Set for a pipeline step's token (the `kiln` module in its container): as a server's
     * token, kernel-facing routes only, and every write goes to this run; deleted when the
     * step ends.
     */
    runId: integer("run_id").references(() => runs.id, { onDelete: "cascade" }),
    /**
     * JupyterHub's scopes (`read:users`, `servers`, `access:servers!user=alice`, ...) the token
     * is limited to; null: everything its owner may do (JupyterHub's `inherit`).
     */
    scopes: jsonb("scopes").$type<string[]>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastActivity: timestamp("last_activity", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_hash_key").on(t.hash), index("api_tokens_user_idx").on(t.userId)],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
