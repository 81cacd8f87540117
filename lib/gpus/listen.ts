import type { Database } from "../db/types";
import { logger } from "../log";
import { gpuEvents } from "./allocator";

/**
 * Grants and queue moves made by other Kiln processes on the same PostgreSQL reach this
 * one's waiters at once (NOTIFY kiln_gpus, sent by the allocator's transactions). PGlite
 * is one process's database: its own events are enough.
 */
export async function listenForGpuEvents(database: Database): Promise<void> {
  if (database.raw.kind !== "postgres") return;
  try {
    await database.raw.sql.listen("kiln_gpus", (payload) => gpuEvents.emit(payload));
  } catch (e) {
    logger().warn({ err: e }, "could not LISTEN for GPU grants from other Kiln processes: waiters poll every second");
  }
}
