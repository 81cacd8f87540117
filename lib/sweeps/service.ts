import type { Database } from "../db";
import { soleWriter } from "../db/sole-writer";
import { logger } from "../log";
import { claimSweeps, SWEEP_STALE_MS, stopSweepControllers } from "./controller";

/**
 * Every Kiln, each second: sweeps nobody controls (their Kiln went quiet) get a controller
 * here; a new sweep is claimed by the Kiln that creates it, at once. Alone on the database
 * (lib/db/sole-writer.ts) the only sweeps left without a controller are a previous run's,
 * which wait SWEEP_STALE_MS anyway: a look every half of that is soon enough.
 */
export function startSweeps(database: Database) {
  const db = database.db;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void claimSweeps(db)
      .catch((e) => logger().warn({ err: e }, "sweep claim failed"))
      .finally(() => (busy = false));
  }, soleWriter(database) ? SWEEP_STALE_MS / 2 : 1000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      stopSweepControllers();
    },
  };
}
