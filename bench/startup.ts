/**
 * `npm start` on an installed, built tree: seconds from the command to the first answered
 * request (target: under 10 s), next to the floor measured in the same run: a bare
 * `node` HTTP server started the same way. Prints JSON; writes bench/results/startup.json.
 * usage: node --import tsx bench/startup.ts [--runs 3]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./kiln-process";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 3) || 3;

async function timeToFirstResponse(cmd: string, args: string[], port: number, env: Record<string, string>, urlPath: string) {
  const t0 = performance.now();
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: "ignore", detached: true });
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`${cmd} exited ${proc.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}${urlPath}`)).ok) return (performance.now() - t0) / 1000;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    const exited = proc.exitCode !== null ? Promise.resolve() : new Promise((r) => proc.once("exit", r));
    try {
      process.kill(-proc.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
    await exited;
  }
}

const bare = `require("http").createServer((q,s)=>s.end("ok")).listen(process.env.PORT,"127.0.0.1")`;
const results = { baseline_bare_node_s: [] as number[], kiln_npm_start_s: [] as number[] };
for (let i = 0; i < runs; i++) {
  const port = 41000 + Math.floor(Math.random() * 9000);
  results.baseline_bare_node_s.push(await timeToFirstResponse(process.execPath, ["-e", bare], port, {}, "/"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-startup-"));
  results.kiln_npm_start_s.push(
    await timeToFirstResponse("npm", ["start", "--silent"], port + 1, { KILN_DATA_DIR: dir, LOG_LEVEL: "warn" }, "/api/health"),
  );
  fs.rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const report = {
  benchmark: "npm start -> first answered request (fresh PGlite data dir, installed and built tree)",
  target_s: 10,
  runs,
  baseline_bare_node_median_s: +median(results.baseline_bare_node_s).toFixed(3),
  kiln_median_s: +median(results.kiln_npm_start_s).toFixed(3),
  kiln_max_s: +Math.max(...results.kiln_npm_start_s).toFixed(3),
  ratio_to_baseline: +(median(results.kiln_npm_start_s) / median(results.baseline_bare_node_s)).toFixed(1),
  meets_target: Math.max(...results.kiln_npm_start_s) < 10,
  raw: results,
};
fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(ROOT, "bench", "results", "startup.json"), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
