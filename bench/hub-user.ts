/**
 * GET /hub/api/user with a token at a fixed 200 requests/s from a second process on
 * loopback, on both database backends, next to a baseline measured in the same run: a bare
 * node:http server answering the same JSON (what this machine can do with no framework,
 * no auth and no database). Prints one JSON document; writes bench/results/hub-user.json.
 * usage: npm run bench [-- --seconds 20 --rate 200]
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { adminToken, ROOT, runLoad, startServer } from "./kiln-process";
import { createTempDatabase, dropDatabase } from "../tests/helpers/pg";

const arg = (name: string, d: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || d) || d;
const seconds = arg("seconds", 15);
const rate = arg("rate", 200);
const port = (n: number) => 40000 + Math.floor(Math.random() * 10000) + n;

async function baseline() {
  const body = JSON.stringify({ kind: "user", name: "alice", admin: false, groups: [], servers: {} });
  const server = http.createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
  await new Promise<void>((r) => server.listen(port(0), "127.0.0.1", r));
  const { port: p } = server.address() as { port: number };
  await runLoad(`http://127.0.0.1:${p}/`, rate, 2); // warm-up
  const result = await runLoad(`http://127.0.0.1:${p}/`, rate, seconds);
  server.close();
  return result;
}

async function kiln(backend: "pglite" | "postgres") {
  const admin = adminToken();
  const db = backend === "postgres" ? await createTempDatabase("bench") : null;
  const k = await startServer(port(1), { KILN_ADMIN_TOKEN: admin, ...(db ? { DATABASE_URL: db.url } : {}) });
  try {
    const h = { authorization: `token ${admin}` };
    await fetch(`${k.url}/hub/api/users/alice`, { method: "POST", headers: h });
    const t = (await (await fetch(`${k.url}/hub/api/users/alice/tokens`, { method: "POST", headers: h, body: "{}" })).json()) as { token: string };
    const url = `${k.url}/hub/api/user`;
    await runLoad(url, rate, 3, `token ${t.token}`); // warm-up: JIT, route compilation
    return await runLoad(url, rate, seconds, `token ${t.token}`);
  } finally {
    await k.stop();
    if (db) await dropDatabase(db.name);
  }
}

const base = await baseline();
const pglite = await kiln("pglite");
const postgres = await kiln("postgres");
const report = {
  benchmark: "GET /hub/api/user with a token",
  rate_per_s: rate,
  seconds,
  target: "p95 < 20 ms at 200 req/s",
  baseline_bare_node_http: base,
  kiln_pglite: { ...pglite, p95_ratio_to_baseline: +(pglite.p95_ms! / base.p95_ms!).toFixed(2), meets_target: pglite.p95_ms! < 20 && pglite.errors === 0 },
  kiln_postgres: { ...postgres, p95_ratio_to_baseline: +(postgres.p95_ms! / base.p95_ms!).toFixed(2), meets_target: postgres.p95_ms! < 20 && postgres.errors === 0 },
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
};
fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(ROOT, "bench", "results", "hub-user.json"), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
