import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Instance-wide settings an admin changes at run time (e.g. whether sign-up is open). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
