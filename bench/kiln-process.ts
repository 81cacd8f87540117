import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");

export async function waitHealthy(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} not healthy`);
}

/**
 * Starts the production server (as npm start does, minus the install/build checks), from this
 * checkout or another one (`root`: an older commit, to compare in the same run).
 */
export async function startServer(port: number, env: Record<string, string>, root = ROOT) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-bench-"));
  // BENCH_SERVER_NODE_FLAGS: Node flags for the server only (say --cpu-prof, which NODE_OPTIONS refuses).
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const proc = spawn(process.execPath, [...flags, "--import", "tsx", "server.ts"], {
    cwd: root,
    // No warm pool unless a benchmark asks (KILN_WARM_POOL: "" for the default): most measure one kernel.
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", PORT: String(port), KILN_DATA_DIR: dir, KILN_WARM_POOL: "none", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // A benchmark that fails half-way must not leave its server running.
  const orphanGuard = () => proc.kill("SIGTERM");
  process.once("exit", orphanGuard);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return {
    url,
    pid: proc.pid!,
    /** Its KILN_DATA_DIR (removed when it stops). */
    dataDir: dir,
    stop: () =>
      new Promise<void>((resolve) => {
        process.off("exit", orphanGuard);
        proc.once("exit", () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        proc.kill("SIGTERM");
      }),
  };
}

export const adminToken = () => crypto.randomBytes(24).toString("hex");

/** A port nothing listens on now, on loopback. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

/** One JSON API call with a token: the status and the parsed body (null when not JSON). */
export async function apiCall(base: string, method: string, p: string, o: { token: string; body?: unknown }) {
  const r = await fetch(base + p, { method, headers: { authorization: `token ${o.token}`, ...(o.body !== undefined ? { "content-type": "application/json" } : {}) }, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

export function runLoad(url: string, rate: number, seconds: number, auth?: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, "bench", "load.mjs"), url, String(rate), String(seconds), ...(auth ? [auth] : [])]);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`))));
  });
}

/**
 * A user's server container, reached directly (the baselines): its Jupyter socket on this
 * host (the run directory Kiln mounts at /run/kiln/jupyter) and its Jupyter token.
 */
export async function jupyterOf(docker: import("dockerode"), user: string) {
  const [c] = await docker.listContainers({ filters: { label: [`org.kiln.user=${user}`] } });
  if (!c) throw new Error(`no container for ${user}`);
  const info = await docker.getContainer(c.Id).inspect();
  const dir = info.Mounts.find((m) => m.Destination === "/run/kiln/jupyter")!.Source;
  const token = info.Config.Env.find((e) => e.startsWith("JUPYTER_TOKEN="))!.split("=")[1]!;
  return { socket: path.join(dir, "j.sock"), token };
}
