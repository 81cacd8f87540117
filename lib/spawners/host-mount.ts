import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Bind mounts on the Docker engine's host, for the warm pool: Docker cannot add a volume to
 * a running container, but a mount made on the host under a directory the container holds
 * with slave propagation appears inside it. This is what a node agent does for pooled
 * notebooks elsewhere (Colab, Deepnote); here Kiln is that agent, so it must run as root on
 * the engine's own host. `poolMountsSupported` says whether it does.
 */
export function poolMountsSupported(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== "linux") return { ok: false, reason: "needs Linux" };
  if (process.getuid?.() !== 0) return { ok: false, reason: "needs Kiln to run as root on the Docker engine's host" };
  const host = process.env.DOCKER_HOST;
  if (host && !host.startsWith("unix://")) return { ok: false, reason: "needs a local Docker engine (DOCKER_HOST is remote)" };
  return { ok: true };
}

/** Mount points at or under `dir`, deepest first (the order to unmount them). */
export function mountsUnder(dir: string): string[] {
  const lines = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n");
  const points = lines.map((l) => l.split(" ")[4]).filter((p): p is string => !!p && (p === dir || p.startsWith(`${dir}/`)));
  return points.sort((a, b) => b.length - a.length);
}

/** `dir` becomes its own mount point in a shared peer group: later mounts on it propagate. */
export async function makeSharedMountPoint(dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  if (!mountsUnder(dir).includes(dir)) await run("mount", ["--bind", dir, dir]);
  await run("mount", ["--make-shared", dir]);
}

export async function bindMount(source: string, target: string): Promise<void> {
  await run("mount", ["--bind", source, target]);
}

/** Unmounts everything at or under `dir` (stacked mounts included) and removes it. */
export async function releaseMountPoint(dir: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const points = mountsUnder(dir);
    if (!points.length) break;
    for (const p of points) await run("umount", ["-l", p]).catch(() => {});
  }
  // Never rm -r through a mount still there: that would be a user's home.
  if (mountsUnder(dir).length) throw new Error(`could not unmount ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
}
