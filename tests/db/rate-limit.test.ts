import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RateLimiter } from "../../lib/auth/rate-limit";
import type { Database } from "../../lib/db/types";
import { RateLimitError } from "../../lib/errors";
import { backends } from "./backends";

// Sign-in limits are counted in the database: on PostgreSQL a second connection (as a second
// Kiln replica has) counts the same attempts, so N replicas do not allow N times the limit.
describe.each(backends)("rate limits on $name", (backend) => {
  let database: Database;
  let second: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    let reopen: () => Promise<Database>;
    ({ database, dispose, reopen } = await backend.fresh());
    second = backend.name === "postgres" ? await reopen() : database;
  });
  afterAll(async () => {
    if (second !== database) await second.close();
    await dispose();
  });

  test("the n+1th attempt in a window is refused with a retry delay, whichever replica counts it; other keys are unaffected", async () => {
    const here = new RateLimiter("t", 3, 60_000);
    const there = new RateLimiter("t", 3, 60_000); // the same limiter in another process
    await here.hit(database.db, "a");
    await there.hit(second.db, "a");
    await here.hit(database.db, "a");
    const refused = await there.hit(second.db, "a").catch((e) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as RateLimitError).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await here.exceeded(database.db, "a")).toBe(true);
    await here.hit(database.db, "b"); // another key
    expect(await new RateLimiter("other", 3, 60_000).count(database.db, "a")).toBe(0); // another limiter
    await there.reset(second.db, "a");
    await here.hit(database.db, "a");
    expect(await here.count(database.db, "a")).toBe(1);
  });

  test("a window that ended starts again at one", async () => {
    const l = new RateLimiter("short", 1, 300);
    await l.hit(database.db, "k");
    await expect(l.hit(database.db, "k")).rejects.toBeInstanceOf(RateLimitError);
    await expect.poll(() => l.count(database.db, "k"), { timeout: 5000, interval: 50 }).toBe(0);
    await l.hit(database.db, "k");
    expect(await l.count(database.db, "k")).toBe(1);
  });
});
