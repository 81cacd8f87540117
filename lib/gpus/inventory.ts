import { execFile } from "node:child_process";
import os from "node:os";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db";
import { servers } from "../db/schema";
import { logger } from "../log";
import { dockerFor, listSwarmNodes } from "../spawners/swarm-nodes";
import { type HostInventory, parseNvidiaSmi, readDeclaredInventory, reconcileInventory, releaseOrphans } from "./reconcile";

const run = promisify(execFile);

/** This host's devices, as `nvidia-smi` reports them (none when it is not installed and KILN_GPUS=auto). */
async function askNvidiaSmi(mode: "auto" | "none" | "nvidia-smi"): Promise<HostInventory[]> {
  if (mode === "none") return [];
  try {
    const { stdout } = await run("nvidia-smi", ["--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader,nounits"], { timeout: 10_000 });
    return [parseNvidiaSmi(stdout, os.hostname())];
  } catch (e) {
    if (mode === "nvidia-smi") throw new Error(`KILN_GPUS=nvidia-smi but nvidia-smi failed: ${(e as Error).message}`);
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") logger().warn({ err: e }, "nvidia-smi failed: no GPUs offered");
    return [];
  }
}

/**
 * Swarm nodes' GPUs, as each node's engine declares them (`--node-generic-resource
 * NVIDIA-GPU=<uuid>`): one host per node, named by node id, which is what the spawner's
 * placement constraint names (hostnames need not be unique). Swarm says nothing of model
 * or memory.
 */
async function askSwarm(dockerHost: string): Promise<HostInventory[]> {
  const nodes = await listSwarmNodes(dockerFor(dockerHost));
  return nodes.map((n) => ({ host: n.id, gpus: n.gpus.map((uuid, index) => ({ uuid, index, model: `NVIDIA GPU on ${n.hostname}`, memoryMb: 0 })) }));
}

/**
 * The hosts' inventories: a declared file (KILN_GPU_INVENTORY) where Kiln cannot ask, else
 * the swarm's nodes when servers are swarm services, else nvidia-smi here.
 */
export async function discoverInventory(): Promise<HostInventory[]> {
  const c = getConfig().servers;
  if (c.gpuInventoryFile) return readDeclaredInventory(c.gpuInventoryFile);
  if (c.spawner === "swarm" && c.swarm.dockerHost) return askSwarm(c.swarm.dockerHost);
  return askNvidiaSmi(c.gpus);
}

/**
 * At start-up and on an admin's rescan: the inventory table follows the hosts, and GPUs
 * held by servers that no longer exist (gone while Kiln was down) are given back.
 */
export async function syncGpuInventory(db: Db): Promise<{ available: number; lost: string[]; freed: number }> {
  const r = await reconcileInventory(db, await discoverInventory());
  const freed = await releaseOrphans(db, async (h) => {
    if (h.kind !== "server") return true; // other kinds' owners reconcile their own
    const id = Number(h.id);
    if (!Number.isInteger(id)) return false;
    return (await db.select({ id: servers.id }).from(servers).where(eq(servers.id, id))).length > 0;
  });
  if (r.available || r.lost.length || freed) logger().info({ available: r.available, lost: r.lost.length, freed }, "GPU inventory reconciled");
  return { ...r, freed };
}

