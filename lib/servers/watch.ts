import { eq } from "drizzle-orm";
import { isSealed, seal } from "../auth/at-rest";
import { dropLease, keepLease } from "../cluster/keeper";
import { claimDueRun } from "../cluster/lease";
import { blobStore } from "../datasets/blobs";
import { collectGarbage } from "../datasets/gc";
import { purgeStaleUploads } from "../datasets/uploads/purge";
import { type Db, getDatabase } from "../db";
import { servers, type ServerRow } from "../db/schema";
import { getConfig } from "../config";
import { purgeDueHomes } from "../homes/keep";
import { pruneKernelApiSockets } from "../kernel-api/sockets";
import { logger } from "../log";
import { idleServers } from "./cull";
import { endRunsOfGoneKernels } from "../runs/foreign-kernel";
import { endRunsOfVanishedServers } from "../runs/lifecycle";
import type { DockerSpawner } from "../spawners/docker";
import { defaultSpawner, spawner } from "../spawners/registry";
import { sweepEndedJobs } from "../jobs/sweep";
import { emitProgress, progressKey } from "./progress";
import { overGpuQuota } from "../gpus/over-quota";
import { recordProxyActivity } from "./activity";
import { pacer, unpaced } from "../pace";
import { forget } from "./forget";
import { finishOrphans } from "./orphans";

/** The lease of the replica that polls, culls and sweeps for all (docs/multi-node.md). */
export const WATCH_LEASE = "server-watch";
export const BLOB_SWEEP = "blob-sweep";

/** One pass: servers whose container died are reported stopped; idle ones are culled. */
export async function pollServers(db: Db, pace = unpaced): Promise<void> {
  for (const row of await db.select().from(servers).where(eq(servers.status, "ready"))) {
    await pace();
    const exit = await spawner(row.spawner).poll(row.state).catch(() => null);
    if (exit !== null) await forget(db, row, `its container exited (status ${exit})`);
    else await endRunsOfGoneKernels(db, row).catch((e) => logger().warn({ err: e, server: row.id }, "could not check the server's kernels"));
  }
  const c = getConfig().servers;
  await pace();
  for (const { server, reason } of await idleServers(db, c.idleTimeoutS, c.gpuIdleTimeoutS)) await forget(db, server, reason);
  await pace();
  const running = await db.select().from(servers).where(eq(servers.status, "ready"));
  const warn = (row: ServerRow, message: string) => emitProgress(progressKey(row.userId, row.name), { progress: 100, message });
  for (const { server, reason } of await overGpuQuota(db, running, warn)) await forget(db, server, reason);
}

/**
 * Each ready server's kernel-API socket has a live listener: where the replica listening on
 * it died, this one listens again (adopt never takes a socket another replica answers on).
 */
async function adoptAll(db: Db, pace = unpaced) {
  for (const row of await db.select().from(servers).where(eq(servers.status, "ready"))) {
    await pace();
    await spawner(row.spawner).adopt(row.state, row.id).catch((e) => logger().warn({ err: e, server: row.id }, "could not re-adopt a server"));
  }
}

/** The blob store's mark and sweep and the homes past their grace: due every KILN_BLOB_SWEEP_INTERVAL, on one replica. */
async function sweepBlobs(db: Db) {
  if (!(await claimDueRun(db, BLOB_SWEEP, getConfig().blobSweepIntervalS * 1000))) return;
  logger().info("blob sweep");
  await purgeDueHomes(db); // deleted users' homes past their grace period
  await collectGarbage(db, blobStore());
}

/**
 * The work only one replica does, under the watch lease: dead containers, the culler, GPU
 * quotas, kernel-API sockets nobody listens on, spawns whose replica died, stale uploads,
 * the blob sweep, the containers of ended jobs. The lease keeper renews it every two
 * seconds, whatever the poll interval: a holder that dies is replaced within its 6 s TTL and
 * one poll of the next.
 */
async function leadPass(db: Db, force: boolean, pace = unpaced): Promise<boolean> {
  if (!(await keepLease(db, WATCH_LEASE, { force }))) return false;
  await adoptAll(db, pace);
  await pace();
  await finishOrphans(db);
  await pollServers(db, pace);
  await pace();
  await purgeStaleUploads(db); // uploads never committed: invisible, and gone after a day
  await pace();
  await sweepBlobs(db);
  if (defaultSpawner() === "docker") {
    await pace();
    await sweepEndedJobs(db, spawner("docker") as DockerSpawner).catch((e) => logger().warn({ err: e }, "could not sweep the containers of ended jobs"));
  }
  return true;
}

/**
 * At start-up: re-adopt servers that are still running (nothing killed), finish the spawns
 * and stops a dead Kiln left (queued for GPUs: they keep their place; others cleaned up);
 * then every poll (10 s by default) each replica records its own proxy clients as activity,
 * and the replica holding the watch lease does the shared work (leadPass).
 */
export async function startServerWatch(db: Db, intervalMs = getConfig().servers.pollIntervalS * 1000) {
  const single = (await getDatabase()).kind === "pglite"; // one process: whatever the last Kiln held is gone
  for (const row of await db.select().from(servers).where(eq(servers.status, "ready"))) {
    await spawner(row.spawner).adopt(row.state, row.id).catch((e) => logger().warn({ err: e, server: row.id }, "could not re-adopt a server"));
    // A token an earlier Kiln stored in the clear is encrypted now.
    if (typeof row.state.jupyterToken === "string" && !isSealed(row.state.jupyterToken))
      await db.update(servers).set({ state: { ...row.state, jupyterToken: seal(row.state.jupyterToken) } }).where(eq(servers.id, row.id));
  }
  await finishOrphans(db, { othersAreGone: single }).catch((e) => logger().warn({ err: e }, "could not finish interrupted spawns"));
  await endRunsOfVanishedServers(db).catch((e) => logger().warn({ err: e }, "could not end the runs of vanished servers"));
  await leadPass(db, single).catch((e) => logger().warn({ err: e }, "server poll failed"));
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    const pace = pacer(); // a pass in slices: the serving processes, at a lower priority, wait no longer than one
    running = recordProxyActivity(db)
      .then(pace)
      .then(() => pruneKernelApiSockets())
      .then(pace)
      .then(() => leadPass(db, single, pace))
      .catch((e) => logger().warn({ err: e }, "server poll failed"))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    // A clean shutdown hands the work on at once rather than after the lease runs out.
    stop: async () => {
      clearInterval(timer);
      await running; // a pass between its slices finishes first, not after the lease is dropped
      return dropLease(db, WATCH_LEASE);
    },
  };
}
