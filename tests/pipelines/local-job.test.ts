import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tempDir } from "../helpers/kiln";

// The local spawner runs steps where there is no Docker: a process isolated as local servers are.
const dataDir = tempDir("local-job");
fs.chmodSync(dataDir, 0o711); // as Kiln keeps its data directory (lib/system/data-dir.ts): the user's uid may pass through
process.env.KILN_DATA_DIR = dataDir;

async function collect(h: { output: NodeJS.ReadableStream; exit: Promise<number> }) {
  let out = "";
  h.output.on("data", (b: Buffer) => (out += b.toString()));
  const code = await h.exit;
  await new Promise((r) => setImmediate(r));
  return { code, out };
}

describe("a pipeline step on the local spawner", () => {
  let listener: net.Server;
  let port = 0;
  beforeAll(async () => {
    listener = net.createServer((s) => s.end("reached\n"));
    await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
    port = (listener.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    listener.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("runs the step's code with its parameters; as root, in its own network namespace and uid: the host's loopback is out of reach", async () => {
    const { LocalProcessSpawner } = await import("../../lib/spawners/local");
    const spawner = new LocalProcessSpawner({ python: "/usr/bin/python3", dataDir });
    const code = [
      "import os, socket",
      "import sys",
      "print('uid', os.getuid(), 'lr', lr, 'tty', sys.stdout.isatty())",
      "try:",
      `    print(socket.create_connection(('127.0.0.1', ${port}), timeout=2).recv(20))`,
      "except OSError as e:",
      "    print('host refused', type(e).__name__)",
      "raise SystemExit(3 if lr > 1 else 0)",
    ].join("\n");
    const run = (lr: number, runId: number) =>
      spawner.runJob({
        runId, userId: 7, user: "loc", legacyHome: false, image: "local", cpu: 1, memoryMb: 512, gpuIds: [], homeWritable: false, env: {},
        files: { "step.json": JSON.stringify({ code, parameters: { lr } }) }, command: ["python3", "-m", "kiln.run_step", "{api}/step.json"],
      });
    const ok = await collect(await run(0.5, 90001));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("lr 0.5 tty True"); // on a pseudo-terminal, as in a container
    if (process.getuid?.() === 0) {
      expect(ok.out).toMatch(/uid 2000007 /); // the user's own uid, never root
      expect(ok.out).toMatch(/host refused (ConnectionRefusedError|OSError)/);
    } else expect(ok.out).toContain("reached");
    const failed = await collect(await run(2, 90002));
    expect(failed.code).toBe(3);
    expect(fs.existsSync(path.join(dataDir, "run", "r90002"))).toBe(true);
    await spawner.stopJob({ pid: 0, runKey: "r90002" });
    expect(fs.existsSync(path.join(dataDir, "run", "r90002"))).toBe(false);
  });

  test("stopping a step stops it whatever signals it ignores (a cancel, a timeout)", async () => {
    const { LocalProcessSpawner } = await import("../../lib/spawners/local");
    const spawner = new LocalProcessSpawner({ python: "/usr/bin/python3", dataDir });
    const code = "import os, signal, time\nfor s in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):\n    signal.signal(s, signal.SIG_IGN)\nprint('pid', os.getpid(), flush=True)\ntime.sleep(600)";
    const h = await spawner.runJob({
      runId: 90003, userId: 7, user: "loc", legacyHome: false, image: "local", cpu: 1, memoryMb: 512, gpuIds: [], homeWritable: false, env: {},
      files: { "step.json": JSON.stringify({ code }) }, command: ["python3", "-m", "kiln.run_step", "{api}/step.json"],
    });
    let out = "";
    h.output.on("data", (b: Buffer) => (out += b.toString()));
    while (!/pid \d+/.test(out)) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(/pid (\d+)/.exec(out)![1]);
    await spawner.stopJob(h.state);
    expect(await h.exit).toBeGreaterThan(0);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  });
});
