import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { servers, type ServerRow } from "../db/schema";
import { releaseGpus } from "../gpus/allocator";
import { logger } from "../log";
import { endRunsOfServer } from "../runs/lifecycle";
import { spawner } from "../spawners/registry";
import { emitProgress, progressKey } from "./progress";

/** A server that is gone (exited, culled, lost its starter): stopped for sure, its row, GPUs and runs ended, its views told. */
export async function forget(db: Db, row: ServerRow, why: string) {
  logger().info({ server: row.id, user: row.userId, why }, "server gone");
  await spawner(row.spawner).stop(row.state).catch(() => {});
  // A start its replica never finished recorded no container yet; it may have made one.
  if (row.status !== "ready") await spawner(row.spawner).removeLeftovers?.(row.id).catch(() => {});
  await db.delete(servers).where(eq(servers.id, row.id));
  await releaseGpus(db, { kind: "server", id: String(row.id) }, why);
  await endRunsOfServer(db, row.id, `The server stopped: ${why}`);
  emitProgress(progressKey(row.userId, row.name), { progress: 100, message: `Server stopped: ${why}`, failed: true });
}
