import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * Browser sessions. The cookie is a signed JWT naming a session id; the session is valid
 * only while its row exists, so signing out (or an admin's "sign out everywhere") ends it
 * on the server at once. Only a SHA-256 of the id is kept, as for API tokens.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    /** SHA-256 (hex) of the random session id carried in the JWT. */
    id: text("id").primaryKey(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    /** The browser's User-Agent when it signed in, to tell sessions apart in a list. */
    userAgent: text("user_agent").notNull().default(""),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

export type UserSessionRow = typeof userSessions.$inferSelect;
