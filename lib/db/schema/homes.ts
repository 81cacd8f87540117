import { integer, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The home (Docker volume or local directory) of a deleted user, kept until it is purged:
 * `delete` after a grace period (purge_after), `archive` until an admin deletes it. Homes
 * are named by user id, so a new account with the old name never sees these files.
 */
export const homeArchives = pgTable("home_archives", {
  id: serial("id").primaryKey(),
  /** The deleted user's id and name, for the admin's list (no foreign key: the user is gone). */
  userId: integer("user_id").notNull(),
  userName: text("user_name").notNull(),
  /** The spawner that owns it ("docker": a volume; "local": a directory). */
  spawner: text("spawner").notNull(),
  location: text("location").notNull(),
  mode: text("mode", { enum: ["delete", "archive"] }).notNull(),
  deletedAt: timestamp("deleted_at", { withTimezone: true }).notNull().defaultNow(),
  purgeAfter: timestamp("purge_after", { withTimezone: true }),
});

export type HomeArchiveRow = typeof homeArchives.$inferSelect;
