import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Who does what once across Kiln replicas on one PostgreSQL (lib/cluster/lease.ts): a named
 * piece of background work (the server watch, the blob sweep) or a notebook's kernel session.
 * The holder renews before `expires_at` (the database's clock, never a replica's); after it,
 * any replica may take the lease over. `address` is where the holder answers other replicas
 * (a notebook's channel is forwarded there); `last_run_at` spaces work that runs hourly.
 */
export const leases = pgTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  address: text("address"),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
});

export type LeaseRow = typeof leases.$inferSelect;
