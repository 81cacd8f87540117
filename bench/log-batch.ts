/**
 * Metric ingestion through the HTTP batch API into PostgreSQL, as the `kiln` module sends it:
 * POST /api/runs/{id}/log-batch with 1000 metrics a request (MLflow's limit), 1 and 2 clients,
 * 1,000,000 points each. Baseline in the same run: the same points through ingestMetrics
 * in-process (no HTTP, no JSON, no validation), batches taking turns. Prints JSON; writes
 * bench/results/log-batch.json. usage: node --import tsx bench/log-batch.ts [--points 1000000]
 */
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../lib/db/open";
import { runs } from "../lib/db/schema";
import { ingestMetrics } from "../lib/runs/metrics";
import { createTempDatabase, dropDatabase } from "../tests/helpers/pg";
import { adminToken, freePort, ROOT, startServer } from "./kiln-process";

setTimeout(() => (process.stderr.write("bench/log-batch.ts: gave up after 5 minutes\n"), process.exit(1)), 5 * 60_000).unref();
const arg = process.argv.indexOf("--points");
const TOTAL = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const BATCH = 1000;

const tmp = await createTempDatabase("bench_logbatch");
const admin = adminToken();
const k = await startServer(await freePort(), { KILN_ADMIN_TOKEN: admin, DATABASE_URL: tmp.url });
const database = await openDatabase({ kind: "postgres", url: tmp.url });
try {
  const h = { authorization: `token ${admin}`, "content-type": "application/json" };
  await fetch(`${k.url}/hub/api/users/bench`, { method: "POST", headers: h });
  const { token } = (await (await fetch(`${k.url}/hub/api/users/bench/tokens`, { method: "POST", headers: h, body: "{}" })).json()) as { token: string };
  const owner = (await database.db.query.users.findFirst())!;
  const newRun = async () =>
    (await database.db.insert(runs).values({ ownerId: owner.id, notebookName: "bench", notebookRevision: 1, kind: "batch", status: "running", image: "python", resources: { cpu: 1, memory_mb: 1024, gpus: 0, gpu_ids: [] } }).returning())[0]!.id;

  // Every request's body is made before the clock starts: the client's JSON is not what is measured.
  const body = (b: number) => JSON.stringify({ metrics: Array.from({ length: BATCH }, (_, i) => ({ key: `m${b % 4}`, value: Math.sin(b * BATCH + i), step: Math.floor(b / 4) * BATCH + i, timestamp: Date.now() })) });
  const bodies = Array.from({ length: TOTAL / BATCH }, (_, b) => body(b));
  async function viaHttp(runId: number, clients: number) {
    const per = TOTAL / BATCH / clients;
    const s = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const id = clients === 1 ? runId : await newRun();
        for (let b = 0; b < per; b++) {
          const r = await fetch(`${k.url}/api/runs/${id}/log-batch`, { method: "POST", headers: { authorization: `token ${token}`, "content-type": "application/json" }, body: bodies[b * clients + c]! });
          if (r.status !== 200) throw new Error(`log-batch: HTTP ${r.status} ${await r.text()}`);
        }
      }),
    );
    return Math.round(TOTAL / ((performance.now() - s) / 1000));
  }
  async function inProcess(runId: number) {
    const s = performance.now();
    for (let b = 0; b < TOTAL / BATCH; b++) {
      const points = Array.from({ length: BATCH }, (_, i) => ({ key: `m${b % 4}`, value: Math.sin(b * BATCH + i), step: b * BATCH + i, ts: new Date() }));
      await ingestMetrics(database, runId, points);
    }
    return Math.round(TOTAL / ((performance.now() - s) / 1000));
  }
  await viaHttp(await newRun(), 1).catch(() => 0); // warm-up: JIT, connections (a short pass)
  const base = await inProcess(await newRun());
  const one = await viaHttp(await newRun(), 1);
  const two = await viaHttp(await newRun(), 2);
  const report = {
    benchmark: `metric ingestion through POST /api/runs/{id}/log-batch (${BATCH} metrics a request) into PostgreSQL, ${TOTAL} points`,
    baseline_in_process_points_per_s: base,
    http_1_client_points_per_s: one,
    http_2_clients_points_per_s: two,
    ratio_1_client_to_in_process: +(one / base).toFixed(2),
    floor_points_per_s: 100_000,
    target_points_per_s: 200_000,
  };
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "log-batch.json"), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
} finally {
  await database.close();
  await k.stop();
  await dropDatabase(tmp.name);
}
