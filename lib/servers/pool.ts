import path from "node:path";
import { inArray } from "drizzle-orm";
import { getConfig } from "../config";
import { holdLease } from "../cluster/hold";
import { type Db, getDatabase } from "../db";
import { images } from "../db/schema";
import { logger } from "../log";
import type { DockerSpawner } from "../spawners/docker";
import { poolMountsSupported } from "../spawners/host-mount";
import { defaultSpawner, spawner } from "../spawners/registry";
import { WarmPool } from "../spawners/warm-pool";

export const POOL_LEASE = "warm-pool";

/**
 * KILN_WARM_POOL=python=2 (default: one of the default image): keeps that many ready containers of each catalog image, at the
 * image's default resources (a claim sets what the user asked). Docker spawner only, with
 * Kiln able to mount on the engine's host (see host-mount.ts); else it says why and stays
 * off. Returns the pool and how to close it (its lease with it), for shutdown.
 */
export async function startWarmPool(db: Db): Promise<{ pool: WarmPool; close: () => Promise<void> } | null> {
  const config = getConfig();
  const configured = config.servers.warmPool;
  // By default one ready container of the default image: a newcomer's first start is a claim.
  const wanted = configured ?? { [config.servers.defaultImage]: 1 };
  if (Object.keys(wanted).length === 0) return null;
  const mounts = poolMountsSupported();
  const why =
    defaultSpawner() !== "docker" ? "servers are not Docker containers here"
    : mounts.ok ? null
    : mounts.reason;
  if (why) {
    // Asked for and impossible is worth a warning; the default quietly stays off.
    logger()[configured ? "warn" : "info"]({ KILN_WARM_POOL: wanted }, `warm pool off: ${why}`);
    return null;
  }
  // One replica keeps the pool (its start-up removes containers a previous Kiln left unclaimed,
  // which would be another live replica's): the others start servers cold. Another takes it
  // at its next start once this one is gone (docs/multi-node.md).
  const lease = await holdLease(db, POOL_LEASE, 30_000, (await getDatabase()).kind === "pglite");
  if (!lease) {
    logger().info("warm pool off: another Kiln replica keeps it");
    return null;
  }
  const rows = await db.select().from(images).where(inArray(images.name, Object.keys(wanted)));
  for (const name of Object.keys(wanted)) if (!rows.some((r) => r.name === name)) logger().warn({ image: name }, "warm pool: no such catalog image");
  const docker = spawner("docker") as DockerSpawner;
  const pool = new WarmPool({ docker: docker.docker, spawner: docker, instance: docker.options.instance, prefix: docker.options.prefix, dir: path.join(config.dataDir, "pool") });
  docker.pool = pool;
  await pool.configure(
    rows.filter((r) => r.enabled).map((r) => ({ image: r.name, reference: r.reference, size: wanted[r.name]!, cpu: r.defaultCpu, memoryMb: r.defaultMemoryMb })),
  );
  return {
    pool,
    close: async () => {
      await pool.close();
      await lease.release();
    },
  };
}
