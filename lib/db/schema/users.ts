import { sql } from "drizzle-orm";
import { boolean, index, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: serial("id").primaryKey(),
    /** JupyterHub-style user name: the key in /hub/api/users/{name} and /user/{name}/. */
    name: text("name").notNull(),
    /** Stored lower-cased; null for users created by name through the hub API. */
    email: text("email"),
    displayName: text("display_name"),
    /** scrypt hash with its parameters (see lib/auth/password.ts); null for SSO-only users. */
    passwordHash: text("password_hash"),
    admin: boolean("admin").notNull().default(false),
    /**
     * Homes were once named after the user name; accounts from then keep theirs (set by
     * migration). Every newer account's home is named by its id, never reusable.
     */
    legacyHome: boolean("legacy_home").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastActivity: timestamp("last_activity", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_name_key").on(t.name),
    uniqueIndex("users_email_key").on(t.email).where(sql`${t.email} is not null`),
    index("users_created_idx").on(t.createdAt),
  ],
);

export type UserRow = typeof users.$inferSelect;
