import { index, integer, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * Invitations: while sign-up is closed, a code an admin hands out lets one person sign up.
 * Only the code's SHA-256 is kept, as for API tokens.
 */
export const invites = pgTable(
  "invites",
  {
    id: serial("id").primaryKey(),
    codeHash: text("code_hash").notNull(),
    /** When set, only this email may use the invitation. */
    email: text("email"),
    note: text("note").notNull().default(""),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    usedBy: integer("used_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("invites_code_hash_key").on(t.codeHash), index("invites_created_idx").on(t.createdAt)],
);

export type InviteRow = typeof invites.$inferSelect;
