import { getConfig } from "../config";
import { RateLimitError } from "../errors";

/**
 * A fixed-window counter per key, in memory. It slows password guessing against one
 * instance; a multi-instance deployment would move it to Redis (noted in ARCHITECTURE.md).
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly limit: number, private readonly windowMs: number) {}

  hit(key: string, what = "attempts"): void {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.sweep(now);
    }
    w.count++;
    if (w.count > this.limit) {
      const retry = Math.ceil((w.start + this.windowMs - now) / 1000);
      throw new RateLimitError(`Too many ${what}; try again in ${retry} s`, retry);
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

const KEY = Symbol.for("kiln.rateLimits");
type G = typeof globalThis & { [KEY]?: { perEmail: RateLimiter; perAddress: RateLimiter } };

/** Shared between the sign-in (next-auth) and sign-up handlers. */
export function rateLimits() {
  const g = globalThis as G;
  return (g[KEY] ??= {
    perEmail: new RateLimiter(10, 60_000),
    perAddress: new RateLimiter(getConfig().authRateLimit, 60_000),
  });
}

/** The client address as the custom server recorded it (it overwrites any client-sent value). */
export function clientIp(headers: Headers): string {
  return headers.get("x-kiln-client-ip") ?? "unknown";
}
