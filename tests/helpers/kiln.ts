import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** The list global-setup.ts keeps of every tempDir the run made, in any worker; its teardown removes them. */
export const TEMP_LIST_ENV = "KILN_TEST_TEMP_LIST";

export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kiln-${label}-`));
  // Removed once the whole run has ended, not by each test: a server a test started may still
  // be closing in it, and one run left 2.4 GB of these behind when nothing removed them.
  const list = process.env[TEMP_LIST_ENV];
  if (list) fs.appendFileSync(list, `${dir}\n`);
  return dir;
}

export interface RunningKiln {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export async function waitForHealth(url: string, timeoutMs: number, proc?: ChildProcess, output?: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`Kiln exited (${proc.exitCode}) before it was healthy:\n${output?.()}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Kiln at ${url} was not healthy within ${timeoutMs} ms:\n${output?.()}`);
}

/**
 * Starts a real Kiln server (the same server.ts `npm start` runs) on a free loopback port.
 * `command` lets a test run `npm start` itself instead.
 */
export async function startKiln(opts: { env?: Record<string, string>; command?: string[]; waitMs?: number } = {}): Promise<RunningKiln> {
  const port = Number(opts.env?.PORT ?? (await freePort()));
  const [cmd, ...args] = opts.command ?? [process.execPath, "--import", "tsx", "server.ts"];
  let out = "";
  const proc = spawn(cmd!, args, {
    cwd: ROOT,
    // No warm pool unless a test asks (by naming KILN_WARM_POOL, "" for the default): a ready
    // container per test server would only load the machine the suite shares. One serving
    // process, for the same reason; the serving tests ask for more.
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), KILN_WARM_POOL: "none", KILN_SERVING_PROCESSES: "1", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() reaches `npm start`'s children too
  });
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const kiln: RunningKiln = {
    url,
    port,
    proc,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      const alive = () => {
        try {
          process.kill(-proc.pid!, 0);
          return true;
        } catch {
          return false;
        }
      };
      const exited = proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once("exit", r));
      if (alive()) process.kill(-proc.pid!, signal); // the whole group, as Ctrl+C in a terminal does
      await exited;
      // `npm start` exits before the server under it has finished closing its database.
      for (let i = 0; i < 300 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
      return proc.exitCode;
    },
  };
  await waitForHealth(url, opts.waitMs ?? 60_000, proc, () => out);
  return kiln;
}

export const randomToken = () => crypto.randomBytes(24).toString("hex");
export const uniq = (prefix: string) => `${prefix}${crypto.randomBytes(4).toString("hex")}`;
