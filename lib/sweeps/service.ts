import type { Db } from "../db";
import { logger } from "../log";
import { claimSweeps, stopSweepControllers } from "./controller";

/** Every Kiln, each second: sweeps nobody controls (new, or their Kiln went quiet) get a controller here. */
export function startSweeps(db: Db) {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void claimSweeps(db)
      .catch((e) => logger().warn({ err: e }, "sweep claim failed"))
      .finally(() => (busy = false));
  }, 1000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      stopSweepControllers();
    },
  };
}
