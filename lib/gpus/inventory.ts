import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { logger } from "../log";

const run = promisify(execFile);

export interface GpuDevice {
  index: number;
  /** NVIDIA's GPU UUID: what Docker's DeviceRequests and CUDA_VISIBLE_DEVICES take. */
  id: string;
  name: string;
  memoryMb: number;
}

/**
 * The devices this host has, as `nvidia-smi` reports them. `KILN_GPUS=none` declares none;
 * `auto` (the default) asks nvidia-smi when it is installed. Read once at start-up: GPUs do
 * not come and go under a running Kiln.
 */
export async function discoverGpus(mode: "auto" | "none" | "nvidia-smi"): Promise<GpuDevice[]> {
  if (mode === "none") return [];
  try {
    const { stdout } = await run("nvidia-smi", ["--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader,nounits"], { timeout: 10_000 });
    return stdout
      .split("\n")
      .map((l) => l.split(",").map((x) => x.trim()))
      .filter((f) => f.length >= 4 && /^\d+$/.test(f[0]!))
      .map(([index, id, name, mem]) => ({ index: Number(index), id: id!, name: name!, memoryMb: Number(mem) || 0 }));
  } catch (e) {
    if (mode === "nvidia-smi") throw new Error(`KILN_GPUS=nvidia-smi but nvidia-smi failed: ${(e as Error).message}`);
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") logger().warn({ err: e }, "nvidia-smi failed: no GPUs offered");
    return [];
  }
}

const KEY = Symbol.for("kiln.gpus");
type G = typeof globalThis & { [KEY]?: GpuDevice[] };

export function setGpuInventory(devices: GpuDevice[]) {
  (globalThis as G)[KEY] = devices;
}

export function gpuInventory(): GpuDevice[] {
  return (globalThis as G)[KEY] ?? [];
}
