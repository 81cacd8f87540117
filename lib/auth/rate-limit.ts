import { getConfig } from "../config";
import { RateLimitError } from "../errors";

/**
 * A fixed-window counter per key, in memory. It slows password guessing against one
 * instance; a multi-instance deployment would move it to Redis (noted in ARCHITECTURE.md).
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Counts an attempt; past the limit it is refused with the seconds until the window ends. */
  hit(key: string, what = "attempts"): void {
    const w = this.window(key);
    w.count++;
    if (w.count > this.limit) throw this.refusal(key, what);
  }

  /** Attempts counted for this key in the current window. */
  count(key: string): number {
    return this.window(key).count;
  }

  /** Counts without refusing (failures, judged by the caller). */
  add(key: string): void {
    this.window(key).count++;
  }

  exceeded(key: string): boolean {
    return this.window(key).count >= this.limit;
  }

  refusal(key: string, what: string): RateLimitError {
    const w = this.window(key);
    const retry = Math.max(1, Math.ceil((w.start + this.windowMs - Date.now()) / 1000));
    return new RateLimitError(`Too many ${what}; try again in ${retry} s`, retry);
  }

  private window(key: string) {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.sweep(now);
    }
    return w;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
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
    perAddress: new RateLimiter(getConfig().authRateLimit, 60_000),
    perAccountAddress: new RateLimiter(10, 60_000),
    accountFailures: new RateLimiter(10, 60_000),
  });
}

/** The client address as the custom server recorded it (it overwrites any client-sent value). */
export function clientIp(headers: Headers): string {
  return headers.get("x-kiln-client-ip") ?? "unknown";
}
