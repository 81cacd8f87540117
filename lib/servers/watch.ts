import { eq } from "drizzle-orm";
import { isSealed, seal } from "../auth/at-rest";
import { blobStore } from "../datasets/blobs";
import { collectGarbage } from "../datasets/gc";
import { purgeStaleUploads } from "../datasets/uploads/purge";
import type { Db } from "../db";
import { servers, type ServerRow } from "../db/schema";
import { getConfig } from "../config";
import { purgeDueHomes } from "../homes/keep";
import { logger } from "../log";
import { idleServers } from "./cull";
import { endRunsOfGoneKernels } from "../runs/foreign-kernel";
import { endRunsOfServer, endRunsOfVanishedServers } from "../runs/lifecycle";
import { spawner } from "../spawners/registry";
import { emitProgress, progressKey } from "./progress";
import { releaseGpus } from "../gpus/allocator";
import { resumeQueuedSpawns } from "./start";
import { overGpuQuota } from "../gpus/over-quota";

async function forget(db: Db, row: ServerRow, why: string) {
  logger().info({ server: row.id, user: row.userId, why }, "server gone");
  await spawner(row.spawner).stop(row.state).catch(() => {});
  await db.delete(servers).where(eq(servers.id, row.id));
  await releaseGpus(db, { kind: "server", id: String(row.id) }, why);
  await endRunsOfServer(db, row.id, `The server stopped: ${why}`);
  emitProgress(progressKey(row.userId, row.name), { progress: 100, message: `Server stopped: ${why}`, failed: true });
}

/** One pass: servers whose container died are reported stopped; idle ones are culled. */
export async function pollServers(db: Db): Promise<void> {
  for (const row of await db.select().from(servers).where(eq(servers.status, "ready"))) {
    const exit = await spawner(row.spawner).poll(row.state).catch(() => null);
    if (exit !== null) await forget(db, row, `its container exited (status ${exit})`);
    else await endRunsOfGoneKernels(db, row).catch((e) => logger().warn({ err: e, server: row.id }, "could not check the server's kernels"));
  }
  const c = getConfig().servers;
  for (const { server, reason } of await idleServers(db, c.idleTimeoutS, c.gpuIdleTimeoutS)) await forget(db, server, reason);
  const running = await db.select().from(servers).where(eq(servers.status, "ready"));
  const warn = (row: ServerRow, message: string) => emitProgress(progressKey(row.userId, row.name), { progress: 100, message });
  for (const { server, reason } of await overGpuQuota(db, running, warn)) await forget(db, server, reason);
}

/**
 * At start-up: re-adopt servers that are still running (nothing killed), clean up spawns a
 * restart interrupted (nothing orphaned); then poll (every 10 s by default) for dead
 * containers and idle servers.
 */
let lastSweep = 0;
/** The blob store's mark and sweep: hourly is plenty, its grace period is a day. */
async function sweepBlobsHourly(db: Db) {
  if (Date.now() - lastSweep < 3600_000) return;
  lastSweep = Date.now();
  await purgeDueHomes(db); // deleted users' homes past their grace period
  await collectGarbage(db, blobStore());
}

export async function startServerWatch(db: Db, intervalMs = getConfig().servers.pollIntervalS * 1000) {
  const resumed = new Set(await resumeQueuedSpawns(db)); // waiting for GPUs: they keep their place
  for (const row of await db.select().from(servers)) {
    if (resumed.has(row.id)) continue;
    if (row.status !== "ready") await forget(db, row, "Kiln restarted while it was starting or stopping");
    else {
      await spawner(row.spawner).adopt(row.state, row.id).catch((e) => logger().warn({ err: e, server: row.id }, "could not re-adopt a server"));
      // A token an earlier Kiln stored in the clear is encrypted now.
      if (typeof row.state.jupyterToken === "string" && !isSealed(row.state.jupyterToken))
        await db.update(servers).set({ state: { ...row.state, jupyterToken: seal(row.state.jupyterToken) } }).where(eq(servers.id, row.id));
    }
  }
  await endRunsOfVanishedServers(db).catch((e) => logger().warn({ err: e }, "could not end the runs of vanished servers"));
  await pollServers(db).catch((e) => logger().warn({ err: e }, "server poll failed"));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pollServers(db)
      .then(() => purgeStaleUploads(db)) // uploads never committed: invisible, and gone after a day
      .then(() => sweepBlobsHourly(db))
      .catch((e) => logger().warn({ err: e }, "server poll failed"))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
