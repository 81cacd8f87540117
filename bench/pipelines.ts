/**
 * Pipeline execution against plain Docker (issue 14), on this machine's engine:
 *  - a 3-step pipeline of trivial steps (each `print(1)`, one after another), through Kiln:
 *    queue, claim, a fresh hardened container per step, the kiln runner, the next step
 *    made ready; timed by Kiln itself (the run's created_at to ended_at);
 *  - the baseline, in the same run, alternating with it: three sequential
 *    `docker run --rm --network none IMAGE python3 -c 'print(1)'` of the very image the
 *    steps ran (by id), timed from the first start to the last exit.
 *  - scheduling overhead: each step's `ready_at` (queued) to `launched_at` (Kiln asks the
 *    engine for its container), from the steps' own records.
 * Targets: pipeline <= 1.5x the baseline; overhead p50 < 100 ms. Both backends.
 * Prints JSON; writes bench/results/pipelines.json.
 * usage: node --import tsx bench/pipelines.ts [--runs 5]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTempDatabase, dropDatabase } from "../tests/helpers/pg";
import { adminToken as randomToken, apiCall as call, freePort, startServer } from "./kiln-process";


const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const RUNS = arg("runs", 5);
setTimeout(() => (process.stderr.write("bench/pipelines.ts: gave up after 15 minutes\n"), process.exit(2)), 15 * 60_000).unref();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

function dockerRuns(image: string): number {
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) execFileSync("docker", ["run", "--rm", "--network", "none", image, "python3", "-c", "print(1)"], { stdio: "ignore" });
  return performance.now() - t0;
}

async function measure(env: Record<string, string>) {
  const adminToken = randomToken();
  const kiln = await startServer(await freePort(), { ...env, KILN_ADMIN_TOKEN: adminToken, KILN_AUTH_RATE_LIMIT: "100000" });
  try {
    const name = `bench${randomToken().slice(0, 6)}`;
    await call(kiln.url, "POST", `/hub/api/users/${name}`, { token: adminToken });
    const token = (await call(kiln.url, "POST", `/hub/api/users/${name}/tokens`, { token: adminToken, body: {} })).body.token as string;
    const definition = { steps: ["one", "two", "three"].map((n, i, all) => ({ name: n, code: "print(1)", after: i ? [all[i - 1]] : [] })) };
    const id = (await call(kiln.url, "POST", "/api/pipelines", { token, body: { name: "trivial", definition } })).body.id;
    const runOnce = async () => {
      const started = (await call(kiln.url, "POST", `/api/pipelines/${id}/runs`, { token, body: {} })).body;
      for (;;) {
        const r = (await call(kiln.url, "GET", `/api/pipeline-runs/${started.id}`, { token })).body;
        if (!["queued", "running"].includes(r.status)) {
          if (r.status !== "succeeded") throw new Error(`pipeline run failed: ${JSON.stringify(r)}`);
          return r;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    const warm = await runOnce(); // the image's first start, the database's first plans
    const digest = (await call(kiln.url, "GET", `/api/runs/${warm.steps[0].run_id}`, { token })).body.image_digest as string;
    dockerRuns(digest);
    const rows: { pipeline_ms: number; docker_ms: number; ratio: number }[] = [];
    const overhead: number[] = [];
    const claim: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await runOnce();
      const docker = dockerRuns(digest);
      rows.push({ pipeline_ms: run.duration_ms, docker_ms: Math.round(docker), ratio: +(run.duration_ms / docker).toFixed(3) });
      for (const s of run.steps) {
        const a = s.attempts[0];
        overhead.push(new Date(a.launched_at).getTime() - new Date(s.ready_at).getTime());
        claim.push(new Date(a.started_at).getTime() - new Date(s.ready_at).getTime());
      }
    }
    return {
      runs: rows,
      median_ratio: +median(rows.map((r) => r.ratio)).toFixed(3),
      scheduling_overhead_ms: { p50: median(overhead), p95: pct(overhead, 95), max: Math.max(...overhead), samples: overhead.length },
      ready_to_claimed_ms: { p50: median(claim), p95: pct(claim, 95) },
    };
  } finally {
    await kiln.stop();
  }
}

const tmp = await createTempDatabase("benchp");
try {
  const pglite = await measure({});
  const postgres = await measure({ DATABASE_URL: tmp.url });
  const result = {
    benchmark: "3-step pipeline of trivial steps through Kiln vs 3 sequential `docker run --rm --network none` of the same image, alternating in the same run; scheduling overhead from the steps' records",
    cores: os.cpus().length, load_average: os.loadavg()[0], runs_per_backend: RUNS,
    pglite, postgres,
    targets: { ratio_at_most: 1.5, scheduling_overhead_p50_ms_under: 100 },
    meets_targets: [pglite, postgres].every((b) => b.median_ratio <= 1.5 && b.scheduling_overhead_ms.p50 < 100),
  };
  fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, "results", "pipelines.json"), JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
} finally {
  await dropDatabase(tmp.name);
}
process.exit(0);
