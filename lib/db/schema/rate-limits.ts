import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Sign-in and sign-up attempt counters (lib/auth/rate-limit.ts), one fixed window per
 * limiter and key, in the database so every Kiln replica counts the same attempts.
 */
export const rateLimitWindows = pgTable(
  "rate_limit_windows",
  {
    limiter: text("limiter").notNull(),
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.limiter, t.key] })],
);
