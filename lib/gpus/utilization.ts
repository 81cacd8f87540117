import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { getConfig } from "../config";

const run = promisify(execFile);

/**
 * Each GPU's utilisation (percent) on this host, from `nvidia-smi --query-gpu=uuid,
 * utilization.gpu`, or null where it cannot be known (no nvidia-smi, a declared inventory
 * of hosts Kiln cannot ask, an answer it cannot read): the culler then goes by activity only.
 */
export async function gpuUtilization(): Promise<Map<string, number> | null> {
  const c = getConfig().servers;
  if (c.gpus === "none" || c.gpuInventoryFile) return null;
  try {
    const { stdout } = await run("nvidia-smi", ["--query-gpu=uuid,utilization.gpu", "--format=csv,noheader,nounits"], { timeout: 5000 });
    const out = new Map<string, number>();
    for (const line of stdout.split("\n").map((l) => l.trim()).filter(Boolean)) {
      const m = /^(GPU-[0-9a-fA-F-]+),\s*(\d+(?:\.\d+)?)$/.exec(line);
      if (!m) return null; // "[N/A]" or garbage: unknown, never "idle"
      out.set(m[1]!, Number(m[2]));
    }
    return out;
  } catch {
    return null;
  }
}
