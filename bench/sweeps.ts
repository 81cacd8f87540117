/**
 * Sweep trial scheduling (issue 15), on this machine's Docker engine: a random sweep of
 * trivial trials (the notebook assigns its parameters and prints), 2 at a time, on PGlite
 * and on PostgreSQL. From the trials' own records:
 *  - decided -> launched: the strategy chose the trial to Kiln asking the engine for its
 *    container (the run row, options, token, run directory, socket): target under 200 ms;
 *  - freed -> decided: a trial ending to the next one being chosen (the controller's tick).
 * The container's own start is the baseline beside it: launched -> the trial's end, for a
 * trial that only prints. Prints JSON; writes bench/results/sweeps.json.
 * usage: node --import tsx bench/sweeps.ts [--trials 12]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTempDatabase, dropDatabase } from "../tests/helpers/pg";
import { adminToken as token, apiCall as call, freePort, startServer } from "./kiln-process";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const TRIALS = arg("trials", 12);
setTimeout(() => (process.stderr.write("bench/sweeps.ts: gave up after 10 minutes\n"), process.exit(2)), 10 * 60_000).unref();

const ms = (a: string, b: string) => new Date(b).getTime() - new Date(a).getTime();
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const q = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function measure(env: Record<string, string>) {
  const admin = token();
  const kiln = await startServer(await freePort(), { ...env, KILN_ADMIN_TOKEN: admin, KILN_AUTH_RATE_LIMIT: "100000" });
  try {
    const name = `bench${token().slice(0, 6)}`;
    await call(kiln.url, "POST", `/hub/api/users/${name}`, { token: admin });
    const t = (await call(kiln.url, "POST", `/hub/api/users/${name}/tokens`, { token: admin, body: {} })).body.token as string;
    const cells = [
      { id: "p", cell_type: "code", source: "x = 0.5", metadata: { tags: ["parameters"] } },
      { id: "m", cell_type: "code", source: 'kiln.log_metric("loss", (x - 0.3) ** 2)', metadata: {} },
    ];
    const nb = (await call(kiln.url, "POST", "/api/notebooks", { token: t, body: { name: "trivial", cells } })).body.id;
    const sweep = async (n: number) => {
      const id = (await call(kiln.url, "POST", "/api/sweeps", { token: t, body: { notebook_id: nb, space: { x: { type: "uniform", low: 0, high: 1 } }, objective: { metric: "loss" }, strategy: "random", seed: 1, budget: { max_trials: n, max_parallel: 2 } } })).body.id;
      for (;;) {
        const s = (await call(kiln.url, "GET", `/api/sweeps/${id}`, { token: t })).body;
        if (s.status !== "running") return s;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await sweep(2); // warm: the image's first start
    const s = await sweep(TRIALS);
    if (s.status !== "succeeded") throw new Error(JSON.stringify(s));
    const trials = s.trials as { decided_at: string; launched_at: string; ended_at: string }[];
    const decided = trials.map((x) => ms(x.decided_at, x.launched_at));
    const container = trials.map((x) => ms(x.launched_at, x.ended_at));
    const ends = sorted(trials.map((x) => new Date(x.ended_at).getTime()));
    const freed = trials.slice(2).map((x) => {
      const at = new Date(x.decided_at).getTime();
      const before = ends.filter((e) => e <= at).at(-1);
      return before === undefined ? 0 : at - before;
    });
    return {
      trials: trials.length,
      decided_to_launched_ms: { p50: q(decided, 0.5), p95: q(decided, 0.95), max: Math.max(...decided) },
      freed_to_decided_ms: { p50: q(freed, 0.5), p95: q(freed, 0.95) },
      baseline_launched_to_end_ms: { p50: q(container, 0.5), p95: q(container, 0.95) },
    };
  } finally {
    await kiln.stop();
  }
}

const tmp = await createTempDatabase("benchs");
try {
  const pglite = await measure({});
  const postgres = await measure({ DATABASE_URL: tmp.url });
  const result = {
    benchmark: `a random sweep of ${TRIALS} trivial trials, 2 at a time; from the trials' records: decided -> container asked for (target < 200 ms), a slot freed -> the next trial decided, and the container's own run (launch -> end) beside them`,
    cores: os.cpus().length, load_average: os.loadavg()[0], pglite, postgres,
    target_ms: 200,
    meets_target: [pglite, postgres].every((b) => b.decided_to_launched_ms.p50 < 200),
  };
  fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, "results", "sweeps.json"), JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
} finally {
  await dropDatabase(tmp.name);
}
process.exit(0);
