import { and, eq, sql } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db";
import { rateLimitWindows } from "../db/schema";
import { RateLimitError } from "../errors";

interface Window {
  count: number;
  /** Seconds until the window ends. */
  retry: number;
}

/**
 * A fixed-window counter per key, kept in the database: every Kiln replica behind a load
 * balancer counts the same attempts (kept in each process's memory, N replicas would allow
 * N times the limit). One upsert per attempt, against the database's clock: sign-ins are
 * rare enough that this costs nothing anyone notices.
 */
export class RateLimiter {
  private readonly window: ReturnType<typeof sql>;
  constructor(private readonly name: string, private readonly limit: number, windowMs: number) {
    this.window = sql.raw(`interval '${Math.round(windowMs)} milliseconds'`);
  }

  /** Counts an attempt; past the limit it is refused with the seconds until the window ends. */
  async hit(db: Db, key: string, what = "attempts"): Promise<void> {
    const w = await this.bump(db, key);
    if (w.count > this.limit) throw refusal(w, what);
  }

  /** Attempts counted for this key in the current window. */
  async count(db: Db, key: string): Promise<number> {
    return (await this.read(db, key))?.count ?? 0;
  }

  /** Counts without refusing (failures, judged by the caller). */
  async add(db: Db, key: string): Promise<void> {
    await this.bump(db, key);
  }

  async exceeded(db: Db, key: string): Promise<boolean> {
    return (await this.count(db, key)) >= this.limit;
  }

  async refusal(db: Db, key: string, what: string): Promise<RateLimitError> {
    return refusal((await this.read(db, key)) ?? { count: 0, retry: 1 }, what);
  }

  async reset(db: Db, key: string): Promise<void> {
    await db.delete(rateLimitWindows).where(and(eq(rateLimitWindows.limiter, this.name), eq(rateLimitWindows.key, key)));
  }

  private async bump(db: Db, key: string): Promise<Window> {
    const t = rateLimitWindows;
    const expired = sql`${t.windowStart} <= now() - ${this.window}`;
    const [row] = await db
      .insert(t)
      .values({ limiter: this.name, key, windowStart: sql`now()`, count: 1 })
      .onConflictDoUpdate({
        target: [t.limiter, t.key],
        set: { count: sql`case when ${expired} then 1 else ${t.count} + 1 end`, windowStart: sql`case when ${expired} then now() else ${t.windowStart} end` },
      })
      .returning({ count: t.count, retry: sql<number>`ceil(extract(epoch from ${t.windowStart} + ${this.window} - now()))` });
    // Windows long over are nobody's: now and then they go.
    if (Math.random() < 0.01) await db.delete(t).where(sql`${t.windowStart} < now() - interval '1 hour'`);
    return { count: row!.count, retry: Number(row!.retry) };
  }

  private async read(db: Db, key: string): Promise<Window | undefined> {
    const t = rateLimitWindows;
    const [row] = await db
      .select({ count: t.count, retry: sql<number>`ceil(extract(epoch from ${t.windowStart} + ${this.window} - now()))` })
      .from(t)
      .where(and(eq(t.limiter, this.name), eq(t.key, key), sql`${t.windowStart} > now() - ${this.window}`));
    return row ? { count: row.count, retry: Number(row.retry) } : undefined;
  }
}

function refusal(w: Window, what: string): RateLimitError {
  const retry = Math.max(1, w.retry);
  return new RateLimitError(`Too many ${what}; try again in ${retry} s`, retry);
}

const KEY = Symbol.for("kiln.rateLimits");
type Limits = { perAddress: RateLimiter; perAccountAddress: RateLimiter; accountFailures: RateLimiter };
type G = typeof globalThis & { [KEY]?: Limits };

/**
 * Shared between the sign-in (next-auth) and sign-up handlers. Sign-in is limited per
 * address, per account and address, and per account across addresses; the last one never
 * refuses an address that has not failed on the account (lib/auth/credentials.ts).
 */
export function rateLimits(): Limits {
  const g = globalThis as G;
  return (g[KEY] ??= {
    perAddress: new RateLimiter("address", getConfig().authRateLimit, 60_000),
    perAccountAddress: new RateLimiter("account-address", 10, 60_000),
    accountFailures: new RateLimiter("account-failures", 10, 60_000),
  });
}

/** The client address as the custom server recorded it (it overwrites any client-sent value). */
export function clientIp(headers: Headers): string {
  return headers.get("x-kiln-client-ip") ?? "unknown";
}
