// usage: KILN_NEXT_DIST_DIR=.next-me node --import tsx bench/serving.ts [--seconds 5] [--postgres] [--serving-port]   (prints JSON; writes bench/results/serving[-postgres][-serving-port].json)
// --serving-port: the endpoint is driven on KILN_SERVING_PORT (the serving processes' own port) instead of Kiln's.
// KILN_SERVING_PROCESSES in the environment is passed on to Kiln (default: one per core, at most 4).
// --only fresh|throughput|latency: only measurement 6 (one request per connection), 1 (concurrency 32), or 1 then 2 four times (the p99 of each 10 s window at half max), for working on it (nothing written to bench/results).
// --pool N: the open-loop client keeps at most N connections, all kept open (default: up to 512, idle ones beyond 256 closed).
// --postgres: Kiln on the local PostgreSQL (a temporary database) instead of the embedded PGlite, which runs on Kiln's event loop.
/**
 * Served model endpoints (issue 13): one real Kiln (PGlite, its own data directory under
 * TMPDIR, the Docker spawner), a model made as a researcher makes it (a dataset uploaded, a
 * kiln.prep + LogisticRegression fitted in a real kernel, logged, registered twice), a private
 * endpoint called with its token, one raw row per request (the prep runs inside the graph).
 * One load client, this file run as a child process (node:http, a keep-alive Agent), drives
 * every target, so its own cost falls on each alike; a bare node:http server (another child
 * process, reading the body and answering fixed JSON, no work) is the baseline, measured in
 * the same run:
 *   1. requests/s at concurrency 32, Kiln vs the bare server (two rounds, order swapped);
 *   2. latency open-loop at half Kiln's best requests/s (from each request's scheduled time);
 *   3. dynamic batching at concurrency 256: mean batch from Kiln's /metrics, requests/s vs
 *      concurrency 32 measured again in the same phase (two rounds of each, order swapped);
 *   4. version swaps (PUT .../traffic) while driven at half max: failures, worst latency
 *      around each swap vs the p99 of 2, and in windows as long between the swaps (the same
 *      run's noise with no swap); for the worst window, each process's CPU and
 *      run-queue wait every 20 ms (whether a stall was a process short of CPU); then 40
 *      traffic changes at rest, each one's CPU in Kiln's main process (`put_at_rest`);
 *   5. the notebook channel's execute round trip (bench/notebook-capture.ts's method) on an
 *      idle Kiln vs while the endpoint is driven at half max;
 *   6. one request per connection (`Connection: close`, as a client with no pool sends them,
 *      and what a pooled client pays for each connection it opens after a stall): requests/s
 *      at concurrency 32, Kiln vs the bare server, and each one's CPU per request.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const now = () => performance.timeOrigin + performance.now(); // epoch ms, comparable across processes

// ---------------------------------------------------------------------------------------------
// Child process roles: the load client and the bare server.
// ---------------------------------------------------------------------------------------------
interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}
type Job =
  | ({ mode: "closed"; concurrency: number; warmupS: number; durationS: number; fresh?: boolean } & Target)
  | ({ mode: "open"; rate: number; warmupS: number; durationS: number; record?: boolean } & Target);

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  p999_ms: number;
  max_ms: number;
  /** every request answered, warm-up included */
  all_requests: number;
  /** open loop, `record`: [scheduled epoch ms, latency ms, status (0: network error), ms the client sent it late, 1 if on a new connection, 2 if it waited in the client for a connection] of every request after warm-up */
  samples?: [number, number, number, number, number][];
  /** open loop, `record`: answers per model version */
  versions?: Record<string, number>;
  /** open loop: per 20 ms of scheduled time from `from` (epoch ms), the worst latency and the connections opened */
  buckets?: { from: number; step_ms: number; max_ms: number[]; new_connections: number[] };
}

/** A process's niceness, from /proc. */
const niceOf = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);

function quantiles(lat: number[], requests: number, errors: number, seconds: number): Omit<LoadResult, "all_requests"> {
  const sorted = Float64Array.from(lat).sort();
  const q = (p: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN).toFixed(3);
  return { requests, errors, rps: +(requests / seconds).toFixed(1), p50_ms: q(0.5), p99_ms: q(0.99), p999_ms: q(0.999), max_ms: q(1) };
}

function loadClient() {
  process.on("message", (job: Job) => {
    const u = new URL(job.url);
    const body = Buffer.from(job.body);
    const headers = { ...job.headers, "content-type": "application/json", "content-length": String(body.length) };
    // open loop: a pool that grows to 512 connections (the default), or a fixed one of --pool N kept open
    const fixed = job.mode === "open" && process.env.BENCH_POOL !== undefined;
    const agent = new http.Agent({
      keepAlive: true, scheduling: "fifo",
      maxSockets: job.mode === "closed" ? job.concurrency : fixed ? Number(process.env.BENCH_POOL) : 512,
      maxFreeSockets: fixed ? Number(process.env.BENCH_POOL) : 256,
    });
    // fresh: one request per connection (`Connection: close`), as a client without a pool sends them
    const fresh = job.mode === "closed" && job.fresh === true;
    const opts: http.RequestOptions = { host: u.hostname, port: u.port, path: u.pathname, method: "POST", agent: fresh ? false : agent, headers };
    const record = job.mode === "open" && job.record;
    // Which connection a request went out on. node's `req.reusedSocket` is false for a request
    // that waited in the agent's queue for a kept connection too, so it cannot tell new ones.
    const seen = new WeakSet<object>();
    /**
     * One request; `done(status, text, how)`, status 0 on a network error; how: 1 it opened a
     * connection, 2 it waited in the client's queue for one of its connections, 0 it had one at once.
     */
    const send = (done: (status: number, text: string, how: 0 | 1 | 2) => void) => {
      let how: 0 | 1 | 2 = 0;
      const req = http.request(opts, (res) => {
        let text = "";
        if (record) res.setEncoding("utf8").on("data", (d: string) => (text += d));
        else res.resume();
        res.on("end", () => done(res.statusCode ?? 0, text, how));
        res.on("error", () => done(0, "", how));
      });
      req.once("socket", (socket) => {
        if (!seen.has(socket)) (how = 1), seen.add(socket);
        else if (!req.reusedSocket) how = 2;
      });
      req.on("error", () => done(0, "", how));
      req.end(body);
    };
    const t0 = performance.now();
    const measureFrom = t0 + job.warmupS * 1000;
    const end = measureFrom + job.durationS * 1000;
    const lat: number[] = [];
    const samples: [number, number, number, number, number][] = [];
    const versions: Record<string, number> = {};
    let requests = 0;
    let errors = 0;
    let all = 0;
    /** The result to the bench's process; `extra`: what the open loop adds (its buckets). */
    const finish = (extra: Partial<LoadResult> = {}) => {
      agent.destroy();
      const r = { ...quantiles(lat, requests, errors, job.durationS), all_requests: all, ...extra };
      process.send!(record ? { ...r, samples, versions } : r);
    };

    if (job.mode === "closed") {
      let live = job.concurrency;
      const loop = () => {
        const s = performance.now();
        if (s >= end) return void (--live === 0 && finish());
        send((status) => {
          const e = performance.now();
          all++;
          if (s >= measureFrom && e <= end) {
            requests++;
            if (status !== 200) errors++;
            lat.push(e - s);
          }
          loop();
        });
      };
      for (let i = 0; i < job.concurrency; i++) loop();
      return;
    }
    // Open loop: requests leave on schedule whatever the server does; latency counts from the
    // scheduled time (a stalled server cannot hide its stall by slowing the client down).
    const interval = 1000 / job.rate;
    const total = Math.round(job.rate * (job.warmupS + job.durationS));
    let sent = 0;
    let answered = 0;
    // typed arrays: the client's own garbage must not add to the tail it measures
    const STEP = 20;
    const bucketMax = new Float64Array(Math.ceil((job.warmupS + job.durationS) * (1000 / STEP)) + 1);
    const bucketNew = new Uint32Array(bucketMax.length);
    const buckets = () => ({ from: performance.timeOrigin + t0, step_ms: STEP, max_ms: Array.from(bucketMax, (x) => +x.toFixed(2)), new_connections: Array.from(bucketNew) });
    const tick = () => {
      const t = performance.now();
      while (sent < total && t0 + sent * interval <= t) {
        const scheduled = t0 + sent++ * interval;
        const late = t - scheduled;
        send((status, text, how) => {
          const l = performance.now() - scheduled;
          all++;
          const b = Math.floor((scheduled - t0) / STEP);
          if (l > bucketMax[b]!) bucketMax[b] = l;
          if (how === 1) bucketNew[b]!++;
          if (scheduled >= measureFrom) {
            requests++;
            if (status !== 200) errors++;
            lat.push(l);
            if (record) {
              samples.push([performance.timeOrigin + scheduled, +l.toFixed(3), status, +late.toFixed(3), how]);
              const v = /"version":(\d+)/.exec(text)?.[1] ?? "none";
              versions[v] = (versions[v] ?? 0) + 1;
            }
          }
          if (++answered === total) finish({ buckets: buckets() });
        });
      }
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
    };
    tick();
  });
  process.send!({ ready: true });
}

function bareServer() {
  const answer = process.env.BARE_ANSWER ?? '{"ok":true}';
  const server = http.createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as { port: number }).port }));
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}
/** Where the profiled serving process's thread spent its busy time, by what the request path does, in µs per request. */
function summarizeProfile(profile: CpuProfile, requests: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  type Frame = CpuProfile["nodes"][number]["callFrame"];
  const kinds: [string, (f: Frame) => boolean][] = [
    // onnxruntime-node runs a session inside a setImmediate, on the calling thread (the serving process's)
    ["model run (onnxruntime-node)", (f) => f.url.includes("onnxruntime-node/dist/backend.js")],
    ["hand-off to the model's thread (postMessage, its answers)", (f) => f.url.startsWith("node:internal/worker") || f.url.endsWith("lib/serving/sessions.ts")],
    ["token check (SHA-256 of the bearer token)", (f) => f.url.includes("lib/auth/token-secret") || (f.functionName === "authorize" && f.url.endsWith("lib/serving/http.ts"))],
    ["metrics (prom-client)", (f) => f.url.includes("prom-client")],
    ["answer: tensors to JSON, stringify, write (incl. node:http's write path)", (f) => (f.functionName === "send" && f.url.endsWith("lib/serving/http.ts")) || f.functionName === "tensorToJson"],
    ["body read + JSON.parse + validation (readJson, rowsToFeeds)", (f) => f.url.endsWith("lib/serving/requests.ts") || ["readJson", "readBody"].includes(f.functionName)],
    ["batcher: join, split, ort.Tensor", (f) => f.url.endsWith("lib/serving/batcher.ts") || f.url.endsWith("lib/serving/tensors.ts") || f.url.includes("onnxruntime-common")],
    ["endpoint lookup (live.ts, once a second from PGlite)", (f) => f.url.endsWith("lib/serving/live.ts") || f.url.includes("pglite")],
    ["server.ts onRequest (request id, headers)", (f) => f.url.endsWith("/server.ts")],
    ["node:http / net / streams otherwise (parsing, timers, microtasks)", (f) => f.url.startsWith("node:")],
  ];
  const spent = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const fn = byId.get(id)!.callFrame.functionName;
    if (fn === "(idle)") return;
    busy += dt;
    let kind = fn === "(garbage collector)" ? "garbage collector" : "";
    if (!kind) {
      const chain: Frame[] = [];
      for (let j: number | undefined = id; j !== undefined; j = parent.get(j)) chain.push(byId.get(j)!.callFrame);
      kind = kinds.find(([, test]) => chain.some(test))?.[0] ?? `other (${fn || "anonymous"})`;
    }
    spent.set(kind, (spent.get(kind) ?? 0) + dt);
  });
  return {
    requests, busy_us_per_request: +(busy / requests).toFixed(1),
    us_per_request: Object.fromEntries([...spent].sort((a, b) => b[1] - a[1]).filter(([, us]) => us / busy >= 0.005).map(([k, us]) => [k, +(us / requests).toFixed(1)])),
  };
}

if (process.argv.includes("--load-client")) loadClient();
else if (process.argv.includes("--bare-server")) bareServer();
else await main();

// ---------------------------------------------------------------------------------------------
// The benchmark.
// ---------------------------------------------------------------------------------------------
async function main() {
  const { adminToken, freePort, ROOT, startServer } = await import("./kiln-process");
  const { jupyterClient, run } = await import("../tests/helpers/jupyter");
  const { createTempDatabase, dropDatabase } = await import("../tests/helpers/pg");
  const WebSocket = (await import("ws")).default;

  const TIME_LIMIT_MS = 8 * 60_000;
  setTimeout(() => (process.stderr.write(`bench/serving.ts: gave up after ${TIME_LIMIT_MS / 1000} s\n`), process.exit(2)), TIME_LIMIT_MS).unref();
  const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
  const SECONDS = arg("seconds", 5);
  const WARMUP = 1;
  const log = (m: string) => process.stderr.write(`[serving ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const load1 = () => +os.loadavg()[0]!.toFixed(2);
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
  const r2 = (x: number) => +x.toFixed(2);
  const r3 = (x: number) => +x.toFixed(3);
  const r1 = (x: number) => +x.toFixed(1);
  /** Processes' CPU seconds (all threads), from /proc. */
  const cpuOf = (pids: number[]) =>
    pids.reduce((sum, pid) => {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return sum + (Number(f[11]) + Number(f[12])) / 100;
    }, 0);

  /**
   * Every 10 ms, each role's time on a CPU and waiting for one (ms, all threads, from
   * /proc/<pid>/task/<tid>/schedstat): whether a stall was a process short of CPU or one
   * that had the CPU and spent it.
   */
  function schedSampler(roles: Record<string, number[]>) {
    const names = Object.keys(roles);
    const rows: number[][] = [];
    const read = (pids: number[]) => {
      let run = 0;
      let wait = 0;
      for (const pid of pids) {
        let tids: string[] = [];
        try {
          tids = fs.readdirSync(`/proc/${pid}/task`);
        } catch {
          continue; // gone
        }
        for (const tid of tids) {
          try {
            const [r, w] = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ").map(Number);
            run += r! / 1e6;
            wait += w! / 1e6;
          } catch {
            /* a thread that ended */
          }
        }
      }
      return [run, wait];
    };
    const sample = () => rows.push([now(), ...names.flatMap((n) => read(roles[n]!))]);
    /** A role's CPU time so far (ms, all threads). */
    const cpuMs = (name: string) => read(roles[name]!)[0]!;
    sample();
    const timer = setInterval(sample, 10);
    const at = (t: number) => rows.find((r) => r[0]! >= t) ?? rows[rows.length - 1]!;
    return {
      stop: () => clearInterval(timer),
      cpuMs,
      /** A role's CPU (ms) between the samples nearest after `from` and after `to` (epoch ms). */
      cpuBetween: (name: string, from: number, to: number) => {
        const i = 1 + 2 * names.indexOf(name);
        return r1(at(to)[i]! - at(from)[i]!);
      },
      /** Per `stepMs` from `from` to `to` (epoch ms): each role's [cpu ms, run-queue wait ms]. */
      between(from: number, to: number, stepMs: number) {
        const out: Record<string, number>[] = [];
        for (let t = from; t < to; t += stepMs) {
          const a = at(t);
          const b = at(t + stepMs);
          out.push(Object.fromEntries(names.flatMap((n, i) => [[`${n}_cpu_ms`, r1(b[1 + 2 * i]! - a[1 + 2 * i]!)], [`${n}_wait_ms`, r1(b[2 + 2 * i]! - a[2 + 2 * i]!)]])));
        }
        return out;
      },
    };
  }

  const poolArg = process.argv.indexOf("--pool");
  if (poolArg > 0) process.env.BENCH_POOL = String(Number(process.argv[poolArg + 1]));
  function child(flag: string, env: Record<string, string> = {}) {
    const p = fork(import.meta.filename, [flag], { execArgv: process.execArgv, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    process.once("exit", () => p.kill("SIGTERM"));
    return p;
  }
  const firstMessage = <T>(p: ChildProcess) => new Promise<T>((resolve, reject) => (p.once("message", (m) => resolve(m as T)), p.once("exit", (c) => reject(new Error(`child exited ${c}`)))));

  // The load client: one process, every target.
  const client = child("--load-client");
  await firstMessage(client);
  const cpuPids: Record<string, number[]> = {};
  async function drive(job: Job, watch: string[] = []) {
    const before = Object.fromEntries(watch.map((w) => [w, cpuOf(cpuPids[w]!)]));
    const clientBefore = cpuOf([client.pid!]);
    const t = performance.now();
    const r = await new Promise<LoadResult>((resolve) => (client.once("message", (m) => resolve(m as LoadResult)), client.send(job)));
    const wall = (performance.now() - t) / 1000;
    const cpu: Record<string, number> = Object.fromEntries(watch.map((w) => [`${w}_cpu_s`, r2(cpuOf(cpuPids[w]!) - before[w]!)]));
    return { ...r, load_average: load1(), cpu: { ...cpu, client_cpu_s: r2(cpuOf([client.pid!]) - clientBefore), wall_s: r2(wall) } as Record<string, number> };
  }

  const git = (...a: string[]) => execFileSync("git", a, { cwd: ROOT, encoding: "utf8" });
  /** Which code was measured: the commit, and the server files changed on top of it. */
  const provenance = () => ({ commit: git("rev-parse", "--short", "HEAD").trim(), uncommitted_changes_in: git("status", "--porcelain", "--", "lib", "server.ts").split("\n").filter(Boolean).map((x) => x.slice(3)) });
  const loadBefore = load1();
  const admin = adminToken();
  const adminH = { authorization: `token ${admin}`, "content-type": "application/json" };
  log("starting Kiln");
  // --cpu-prof: Kiln's serving process is profiled (V8's sampler, through a preloaded inspector session)
  // during measurement 1 and the swaps (kiln-1 and kiln-2.cpuprofile); that run's figures are not
  // recorded (the profiler costs); the first profile is summarised in the output (where the serving
  // process spends its time, per request).
  const profileDir = process.argv.includes("--cpu-prof") ? fs.mkdtempSync(path.join(os.tmpdir(), "kiln-serving-prof-")) : "";
  if (profileDir) {
    fs.writeFileSync(path.join(profileDir, "profiler.mjs"), `
import fs from "node:fs";
import { Session } from "node:inspector";
const s = new Session();
s.connect();
s.post("Profiler.enable");
s.post("Profiler.setSamplingInterval", { interval: 100 });
let on = false;
let n = 0;
process.on("SIGUSR2", () => {
  if (!on) return void s.post("Profiler.start", () => (on = true));
  on = false;
  s.post("Profiler.stop", (e, r) => fs.writeFileSync(${JSON.stringify(profileDir)} + "/kiln-" + ++n + "-" + process.pid + ".cpuprofile", JSON.stringify(r.profile)));
});
`);
  }
  // the serving processes answer the models: they are the ones summarised; Kiln's main process is profiled alongside
  // (kiln-N-<its pid>.cpuprofile, to read by hand: a traffic change's cost there shows in the swaps' profile)
  const profiler = (what: string) => (profileDir ? ([...cpuPids.serving!, ...cpuPids.kiln!].forEach((pid) => process.kill(pid, "SIGUSR2")), log(`profiler ${what}`)) : undefined);
  const pg = process.argv.includes("--postgres") ? await createTempDatabase("servebench") : null;
  const kilnPort = await freePort();
  const servingPort = process.argv.includes("--serving-port") ? await freePort() : null;
  const k = await startServer(kilnPort, {
    KILN_ADMIN_TOKEN: admin, ...(pg ? { DATABASE_URL: pg.url } : {}), ...(servingPort ? { KILN_SERVING_PORT: String(servingPort) } : {}), ...(profileDir ? { NODE_OPTIONS: `--import=${path.join(profileDir, "profiler.mjs")}` } : {}),
  });
  cpuPids.kiln = [k.pid];
  // Kiln's serving processes (lib/serving/process/child.ts, KILN_SERVING_PROCESSES of them), children of Kiln's: their CPU is counted apart
  const servingPids = fs.readdirSync(`/proc/${k.pid}/task`).flatMap((t) => fs.readFileSync(`/proc/${k.pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number))
    .filter((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("serving/process/child"));
  if (!servingPids.length) throw new Error("Kiln's serving process was not found among its children");
  cpuPids.serving = servingPids;
  // The load client and the bare server run at the serving processes' niceness
  // (KILN_SERVING_NICE, 10 by default), so that neither outranks what it is compared with or
  // drives: at niceness 0 the client took the cores from the serving process whenever it had
  // work (opening connections after a stall), a contention a remote client never causes.
  // BENCH_CLIENT_NICE sets another (0: as before 2026-12-06).
  const peerNice = process.env.BENCH_CLIENT_NICE !== undefined ? Number(process.env.BENCH_CLIENT_NICE) : niceOf(servingPids[0]!);
  os.setPriority(client.pid!, peerNice);
  const user = "servebench";
  let token = "";
  let bare: ChildProcess | undefined;
  try {
    // A user, their server, a dataset.
    await fetch(`${k.url}/hub/api/users/${user}`, { method: "POST", headers: adminH });
    token = ((await (await fetch(`${k.url}/hub/api/users/${user}/tokens`, { method: "POST", headers: adminH, body: "{}" })).json()) as { token: string }).token;
    const auth = { authorization: `token ${token}`, "content-type": "application/json" };
    const api = async (method: string, route: string, body?: unknown, raw?: string) => {
      const r = await fetch(k.url + route, { method, headers: auth, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${route}: HTTP ${r.status} ${text}`);
      return (text ? JSON.parse(text) : null) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    log("starting the user's server");
    const started = await fetch(`${k.url}/hub/api/users/${user}/server`, { method: "POST", headers: auth, body: "{}" });
    if (started.status !== 201 && started.status !== 202) throw new Error(`server did not start: ${started.status} ${await started.text()}`);
    for (const deadline = Date.now() + 90_000; !(await api("GET", `/hub/api/users/${user}`)).servers?.[""]?.ready; ) {
      if (Date.now() > deadline) throw new Error("the user's server never became ready");
      await new Promise((r) => setTimeout(r, 200));
    }
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cities = ["paris", "lyon", "nice", "lille"];
    const csv = ["age,income,city,approved"];
    for (let i = 0; i < 400; i++) {
      const age = 18 + Math.floor(rnd() * 60);
      const income = Math.round(15000 + rnd() * 90000);
      const city = cities[Math.floor(rnd() * cities.length)]!;
      const approved = income / 1000 + age / 3 + (city === "paris" ? 10 : 0) + rnd() * 30 > 75 ? 1 : 0;
      csv.push([rnd() < 0.05 ? "" : age, rnd() < 0.05 ? "" : income, rnd() < 0.05 ? "" : city, approved].join(","));
    }
    const up = await api("POST", "/api/datasets/applicants/uploads", {});
    await api("PUT", `/api/datasets/applicants/uploads/${up.upload_id}/files/data.csv`, undefined, csv.join("\n") + "\n");
    await api("POST", `/api/datasets/applicants/uploads/${up.upload_id}/commit`, {});

    // The model, fitted in a real kernel through Kiln's proxy; two versions (C=1, C=0.1) for the swaps.
    log("fitting and registering two versions in a kernel");
    // @jupyterlab/services writes its kernels' states on stdout, where the report goes
    console.log = console.info = console.debug = () => {};
    const kernels = jupyterClient(k.url, user, token);
    const kernel = await kernels.startNew({ name: "python3" });
    const out = await run(kernel, `
import os, json, pandas as pd, kiln
from sklearn.linear_model import LogisticRegression
df = pd.read_csv(os.path.join(kiln.dataset("applicants"), "data.csv"))
y = df.pop("approved")
prep = (kiln.prep.Prep().impute("median", columns=["age", "income"]).clip(quantiles=(0.01, 0.99), columns=["age", "income"])
        .scale("standard", columns=["age", "income"]).one_hot(columns=["city"]).pca(4))
X = prep.fit_transform(df, y)
versions = []
for name, c in (("approval_c1", 1.0), ("approval_c01", 0.1)):
    clf = LogisticRegression(C=c, max_iter=1000).fit(X, y)
    kiln.log_model(clf, name=name, prep=prep)
    versions.append(kiln.register_model("approval", artifact=name))
print(json.dumps(versions))`);
    await kernel.shutdown();
    kernels.dispose(); // its polls would keep this process alive
    const registered = JSON.parse(out.trim().split("\n").at(-1)!) as number[];
    if (registered.join() !== "1,2") throw new Error(`registered versions ${out}`);
    const model = (await api("GET", "/api/models?name=approval")).models[0] as { id: number };
    const ep = await api("POST", "/api/endpoints", { name: "approval", model_id: model.id, version: 1 });
    const endpointSettings = { max_batch: ep.max_batch as number, max_wait_ms: ep.max_wait_ms as number, public: ep.public as boolean };
    const row = { rows: [{ age: 42, income: 52000, city: "lyon" }] };
    const kilnTarget: Target = { url: `${servingPort ? `http://127.0.0.1:${servingPort}` : k.url}/serve/approval/predict`, headers: { authorization: `Bearer ${ep.token}` }, body: JSON.stringify(row) };
    const first = await fetch(kilnTarget.url, { method: "POST", headers: { ...kilnTarget.headers, "content-type": "application/json" }, body: kilnTarget.body });
    const answer = await first.text();
    if (first.status !== 200) throw new Error(`predict: ${first.status} ${answer}`);
    log(`endpoint answers: ${answer}`);

    // The baseline answers Kiln's own answer, byte for byte (the same bytes on the wire).
    bare = child("--bare-server", { BARE_ANSWER: answer });
    const { port } = await firstMessage<{ port: number }>(bare);
    cpuPids.bare = [bare.pid!];
    os.setPriority(bare.pid!, peerNice);
    const bareTarget: Target = { url: `http://127.0.0.1:${port}/predict`, headers: kilnTarget.headers, body: kilnTarget.body };

    /** Connections Kiln has handed to its serving process so far. */
    const handedConnections = async () => {
      const text = await (await fetch(`${k.url}/metrics`, { headers: { authorization: `token ${admin}` } })).text();
      return Number(/^kiln_serving_connections_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
    };
    async function batchMetrics() {
      const text = await (await fetch(`${k.url}/metrics`, { headers: { authorization: `token ${admin}` } })).text();
      const get = (suffix: string) => Number(new RegExp(`^kiln_endpoint_batch_size_${suffix}\\{endpoint="approval"\\} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
      return { sum: get("sum"), count: get("count") };
    }
    const meanBatchOf = async (during: Promise<unknown>) => {
      const a = await batchMetrics();
      await during;
      const b = await batchMetrics();
      return { runs_counted: b.count - a.count, mean_batch: r2((b.sum - a.sum) / Math.max(1, b.count - a.count)) };
    };

    // Warm-up of both (JIT, sockets, the session), not counted.
    await drive({ mode: "closed", concurrency: 32, warmupS: 0, durationS: 2, ...kilnTarget });
    await drive({ mode: "closed", concurrency: 32, warmupS: 0, durationS: 1, ...bareTarget });

    // 6. One request per connection at concurrency 32: Kiln and the bare server, two rounds, order swapped.
    const freshConnections = async () => {
      const job = (t: Target) => ({ mode: "closed" as const, concurrency: 32, warmupS: WARMUP, durationS: SECONDS, fresh: true, ...t });
      const per = (d: Awaited<ReturnType<typeof drive>>, who: string) => perRequestUs(d.cpu[`${who}_cpu_s`]!, d.requests, SECONDS);
      const out: { bare_rps: number; kiln_rps: number; bare_cpu_us_per_request: number; serving_cpu_us_per_request: number; kiln_main_cpu_us_per_request: number; client_cpu_us_per_request_kiln: number; mean_batch: number; errors: number }[] = [];
      for (let round = 0; round < 2; round++) {
        let b: Awaited<ReturnType<typeof drive>> | undefined;
        let kk: Awaited<ReturnType<typeof drive>> | undefined;
        let meanBatch = 0;
        for (const which of round === 0 ? ["bare", "kiln"] : ["kiln", "bare"]) {
          if (which === "bare") b = await drive(job(bareTarget), ["bare"]);
          else {
            const d = drive(job(kilnTarget), ["kiln", "serving"]);
            meanBatch = (await meanBatchOf(d)).mean_batch;
            kk = await d;
          }
        }
        out.push({ bare_rps: b!.rps, kiln_rps: kk!.rps, bare_cpu_us_per_request: per(b!, "bare"), serving_cpu_us_per_request: per(kk!, "serving"), kiln_main_cpu_us_per_request: per(kk!, "kiln"), client_cpu_us_per_request_kiln: per(kk!, "client"), mean_batch: meanBatch, errors: b!.errors + kk!.errors });
        log(`   round ${round}: bare ${b!.rps}/s, kiln ${kk!.rps}/s (one request per connection)`);
      }
      const bestB = Math.max(...out.map((o) => o.bare_rps));
      const bestK = Math.max(...out.map((o) => o.kiln_rps));
      return { concurrency: 32, bare_rps: bestB, kiln_rps: bestK, ratio: r3(bestK / bestB), per_round: out };
    };
    function perRequestUs(cpuS: number, requests: number, seconds: number) {
      return r2(((cpuS / (seconds + WARMUP)) * seconds * 1e6) / requests); // CPU spent over warm-up + measure, scaled to the measured part
    }
    const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
    if (only === "fresh") {
      log("6. one request per connection");
      profiler("started");
      const fresh_connections = await freshConnections();
      profiler("stopped");
      process.stdout.write(JSON.stringify({ ...provenance(), fresh_connections }, null, 2) + "\n");
      return;
    }

    // 1. Throughput at concurrency 32, two rounds, order swapped.
    profiler("started");
    log("1. throughput at concurrency 32");
    const closed32 = (t: Target) => ({ mode: "closed" as const, concurrency: 32, warmupS: WARMUP, durationS: SECONDS, ...t });
    const rounds: { bare: Awaited<ReturnType<typeof drive>>; kiln: Awaited<ReturnType<typeof drive>> & { mean_batch?: number } }[] = [];
    for (let round = 0; round < 2; round++) {
      const rr = {} as (typeof rounds)[number];
      for (const which of round === 0 ? ["bare", "kiln", "serving"] : ["kiln", "bare"]) {
        if (which === "bare") rr.bare = await drive(closed32(bareTarget), ["bare", "kiln", "serving"]);
        else {
          const d = drive(closed32(kilnTarget), ["kiln", "serving"]);
          const mb = await meanBatchOf(d);
          rr.kiln = { ...(await d), mean_batch: mb.mean_batch };
        }
      }
      rounds.push(rr);
      log(`   round ${round}: bare ${rr.bare.rps}/s, kiln ${rr.kiln.rps}/s`);
    }
    profiler("stopped");
    let profile: ReturnType<typeof summarizeProfile> | undefined;
    if (profileDir) {
      const files = cpuPids.serving!.map((pid) => path.join(profileDir, `kiln-1-${pid}.cpuprofile`));
      for (const deadline = Date.now() + 10_000; !files.every((f) => fs.existsSync(f)) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500)); // written whole
      // each serving process's busy time per request of all of them, summed
      const requests = rounds.reduce((n, r) => n + r.kiln.all_requests, 0);
      for (const one of files.map((f) => summarizeProfile(JSON.parse(fs.readFileSync(f, "utf8")) as CpuProfile, requests))) {
        if (!profile) profile = one;
        else {
          profile.busy_us_per_request = r1(profile.busy_us_per_request + one.busy_us_per_request);
          for (const [k, us] of Object.entries(one.us_per_request)) profile.us_per_request[k] = r1((profile.us_per_request[k] ?? 0) + us);
        }
      }
    }
    const bestBare = Math.max(...rounds.map((r) => r.bare.rps));
    const bestKiln = Math.max(...rounds.map((r) => r.kiln.rps));
    const throughput = {
      concurrency: 32,
      bare_rps: bestBare,
      kiln_rps: bestKiln,
      ratio: r3(bestKiln / bestBare),
      target_ratio: 0.8,
      met: bestKiln / bestBare >= 0.8,
      per_round: rounds.map((r) => ({
        bare: { rps: r.bare.rps, p50_ms: r.bare.p50_ms, p99_ms: r.bare.p99_ms, errors: r.bare.errors, server_cpu_us_per_request: perRequestUs(r.bare.cpu.bare_cpu_s!, r.bare.requests, SECONDS), client_cpu_us_per_request: perRequestUs(r.bare.cpu.client_cpu_s!, r.bare.requests, SECONDS), load_average: r.bare.load_average },
        kiln: { rps: r.kiln.rps, p50_ms: r.kiln.p50_ms, p99_ms: r.kiln.p99_ms, errors: r.kiln.errors, mean_batch: r.kiln.mean_batch, server_cpu_us_per_request: perRequestUs(r.kiln.cpu.kiln_cpu_s! + r.kiln.cpu.serving_cpu_s!, r.kiln.requests, SECONDS), serving_process_cpu_us_per_request: perRequestUs(r.kiln.cpu.serving_cpu_s!, r.kiln.requests, SECONDS), client_cpu_us_per_request: perRequestUs(r.kiln.cpu.client_cpu_s!, r.kiln.requests, SECONDS), load_average: r.kiln.load_average },
        ratio: r3(r.kiln.rps / r.bare.rps),
      })),
    };

    if (only === "throughput") {
      process.stdout.write(JSON.stringify({ ...provenance(), throughput, ...(profile ? { profile_of_measurement_1: profile } : {}) }, null, 2) + "\n");
      return;
    }

    // 2. Latency, open loop, at half the best requests/s.
    const half = Math.round(bestKiln / 2);
    if (only === "latency") {
      const p99s: number[] = [];
      for (let i = 0; i < 4; i++) p99s.push((await drive({ mode: "open", rate: half, warmupS: WARMUP, durationS: 2 * SECONDS, ...kilnTarget }, ["kiln", "serving"])).p99_ms);
      process.stdout.write(JSON.stringify({ ...provenance(), rate: half, p99s }) + "\n");
      return;
    }
    log(`2. latency open-loop at ${half}/s`);
    const open = (rate: number, durationS: number, record = false): Job => ({ mode: "open", rate, warmupS: WARMUP, durationS, record, ...kilnTarget });
    const handedBeforeLatency = await handedConnections();
    const latencySched = schedSampler({ kiln: cpuPids.kiln!, serving: cpuPids.serving!, client: [client.pid!] });
    const l = await drive(open(half, 2 * SECONDS), ["kiln", "serving"]);
    latencySched.stop();
    const worstAround = (() => {
      // Where the p99 came from: 20 ms steps around the worst one, each process's CPU and
      // run-queue wait in it, and the connections the client opened (a stall's cascade).
      const bk = l.buckets!;
      const first = Math.ceil((WARMUP * 1000) / bk.step_ms);
      let worst = first;
      for (let i = first; i < bk.max_ms.length; i++) if (bk.max_ms[i]! > bk.max_ms[worst]!) worst = i;
      const from = Math.max(first, worst - 25);
      const to = Math.min(bk.max_ms.length, worst + 25);
      const procs = latencySched.between(bk.from + from * bk.step_ms, bk.from + to * bk.step_ms, bk.step_ms);
      const steps_over_p99 = bk.max_ms.slice(first).filter((x) => x > l.p99_ms).length;
      return {
        steps_of_20ms_with_a_request_over_p99: steps_over_p99,
        timeline: procs.map((p, i) => ({ at_ms: (from + i - worst) * bk.step_ms, max_latency_ms: bk.max_ms[from + i], client_new_connections: bk.new_connections[from + i], ...p })),
      };
    })();
    const latency = {
      rate: half, achieved_rps: l.rps, requests: l.requests, errors: l.errors, connections_handed: (await handedConnections()) - handedBeforeLatency,
      p50_ms: l.p50_ms, p99_ms: l.p99_ms, p999_ms: l.p999_ms, max_ms: l.max_ms,
      target_p99_ms: 10, met: l.p99_ms < 10 && l.errors === 0, load_average: l.load_average,
      around_the_worst_request: worstAround,
    };

    // 3. Dynamic batching at concurrency 256, against concurrency 32 measured again beside it:
    // two rounds, each with one run of each, the order swapped, best against best. Measurement
    // 1's best of two, taken a minute earlier, would put a best of two against one sample.
    log("3. concurrency 256 (and 32 beside it)");
    const closed = (concurrency: number) => ({ mode: "closed" as const, concurrency, warmupS: WARMUP, durationS: SECONDS, ...kilnTarget });
    const at256: (Awaited<ReturnType<typeof drive>> & { mean_batch: number; runs_counted: number })[] = [];
    const at32: (Awaited<ReturnType<typeof drive>> & { mean_batch: number })[] = [];
    for (let round = 0; round < 2; round++) {
      for (const c of round === 0 ? [256, 32] : [32, 256]) {
        const d = drive(closed(c), ["kiln", "serving"]);
        const mb = await meanBatchOf(d);
        if (c === 256) at256.push({ ...(await d), mean_batch: mb.mean_batch, runs_counted: mb.runs_counted });
        else at32.push({ ...(await d), mean_batch: mb.mean_batch });
      }
      log(`   round ${round}: 256: ${at256.at(-1)!.rps}/s (mean batch ${at256.at(-1)!.mean_batch}), 32: ${at32.at(-1)!.rps}/s`);
    }
    const c256 = at256.reduce((a, b) => (b.rps > a.rps ? b : a));
    const best32 = Math.max(...at32.map((r) => r.rps));
    const batching = {
      concurrency: 256,
      rps: c256.rps, errors: at256.reduce((n, r) => n + r.errors, 0), p50_ms: c256.p50_ms, p99_ms: c256.p99_ms,
      mean_batch: c256.mean_batch, model_runs_counted: c256.runs_counted,
      rps_at_32: best32, ratio_to_32: r3(c256.rps / best32),
      // where 256 and 32 differ: each process's CPU per request (the client's grows with its connections)
      per_round: at256.map((r, i) => {
        const q = at32[i]!;
        const us = (x: { cpu: Record<string, number>; requests: number }, who: string) => perRequestUs(x.cpu[`${who}_cpu_s`]!, x.requests, SECONDS);
        return { rps_256: r.rps, rps_32: q.rps, mean_batch_256: r.mean_batch, mean_batch_32: q.mean_batch, serving_cpu_us_per_request_256: us(r, "serving"), serving_cpu_us_per_request_32: us(q, "serving"), client_cpu_us_per_request_256: us(r, "client"), client_cpu_us_per_request_32: us(q, "client") };
      }),
      rps_at_32_in_measurement_1: bestKiln,
      server_cpu_us_per_request: perRequestUs(c256.cpu.kiln_cpu_s! + c256.cpu.serving_cpu_s!, c256.requests, SECONDS),
      endpoint_settings: endpointSettings,
      target_mean_batch: 8, target_rps_not_lower: true,
      met: Math.min(...at256.map((r) => r.mean_batch)) >= 8 && c256.rps >= best32 && at256.every((r) => r.errors === 0),
      load_average: c256.load_average,
    };

    // 4. Swaps while driven at half max: v2, v1, v2, v1, v2, two seconds apart.
    log("4. swaps under load");
    const swapsPlanned = [2, 1, 2, 1, 2];
    const swapDuration = 2 * (swapsPlanned.length + 1);
    profiler("started (swaps)");
    const handedBeforeSwaps = await handedConnections();
    const sched = schedSampler({ kiln: cpuPids.kiln!, serving: cpuPids.serving!, client: [client.pid!] });
    const swapRun = drive(open(half, swapDuration, true), ["kiln", "serving"]);
    const swaps: { to: number; sent: number; answered: number; status: number; handed_before: number; handed_after: number }[] = [];
    await new Promise((r) => setTimeout(r, (WARMUP + 2) * 1000));
    for (const [i, to] of swapsPlanned.entries()) {
      const handedBefore = await handedConnections();
      const sent = now();
      const r = await fetch(`${k.url}/api/endpoints/approval/traffic`, { method: "PUT", headers: auth, body: JSON.stringify({ traffic: [{ version: to, weight: 100 }], reason: `bench swap ${i}` }) });
      await r.text();
      const answered = now();
      await new Promise((res) => setTimeout(res, 500));
      swaps.push({ to, sent, answered, status: r.status, handed_before: handedBefore, handed_after: await handedConnections() });
      await new Promise((res) => setTimeout(res, Math.max(0, sent + 2000 - now())));
    }
    const sw = await swapRun;
    profiler("stopped (swaps)");
    const samples = sw.samples!;
    const around = swaps.map((s) => {
      // the second around the swap: from half a second before the PUT to half a second after its answer
      const inWindow = samples.filter(([t]) => t >= s.sent - 500 && t <= s.answered + 500);
      const worst = Math.max(...inWindow.map(([, lat]) => lat));
      return {
        to_version: s.to, put_status: s.status, put_ms: r2(s.answered - s.sent), connections_handed_in_window: s.handed_after - s.handed_before,
        // Kiln's main process's CPU while the PUT ran (10 ms samples either side): compare put_at_rest
        main_cpu_ms_during_put: sched.cpuBetween("kiln", s.sent - 10, s.answered + 10),
        // where a stall was: the client sending late, or new connections it opened
        client_max_send_delay_ms: r2(Math.max(...inWindow.map(([, , , late]) => late))), client_new_connections: inWindow.filter(([, , , , how]) => how === 1).length,
        client_queued_for_a_connection: inWindow.filter(([, , , , how]) => how === 2).length,
        requests_in_window: inWindow.length, failed_in_window: inWindow.filter(([, , st]) => st !== 200).length, max_latency_ms: r2(worst), ratio_to_p99: r2(worst / latency.p99_ms) };
    });
    const away = samples.filter(([t]) => !swaps.some((s) => t >= s.sent - 500 && t <= s.answered + 500)).map(([, lat]) => lat);
    const worstRatio = Math.max(...around.map((a) => a.ratio_to_p99));
    // Control windows: the same run's load with no swap in it, each as long as the swap
    // window before it and starting where that one ended (cut short by the next swap's
    // window). Their worst request is what this machine's noise alone gives over that many
    // requests, the floor against which a swap's own spike is read.
    const controls = swaps.map((s, i) => {
      const from = s.answered + 500;
      const until = Math.min(from + (s.answered - s.sent) + 1000, swaps[i + 1] ? swaps[i + 1]!.sent - 500 : Number.POSITIVE_INFINITY);
      const inWindow = samples.filter(([t]) => t >= from && t < until);
      const worst = inWindow.length ? Math.max(...inWindow.map(([, lat]) => lat)) : Number.NaN;
      return { after_swap: i, window_ms: r1(Math.min(until, samples.at(-1)?.[0] ?? until) - from), requests_in_window: inWindow.length, client_new_connections: inWindow.filter(([, , , , how]) => how === 1).length, client_queued_for_a_connection: inWindow.filter(([, , , , how]) => how === 2).length, max_latency_ms: r2(worst), ratio_to_p99: r2(worst / latency.p99_ms) };
    }).filter((c) => c.requests_in_window > 0);
    const controlWorst = Math.max(...controls.map((c) => c.ratio_to_p99));
    // The worst window, 20 ms at a time: its requests' worst latency beside each process's CPU and run-queue wait.
    const worstPut = swaps[around.findIndex((a) => a.ratio_to_p99 === worstRatio)]!;
    const STEP = 20;
    const from = worstPut.sent - 500;
    const to = worstPut.answered + 500;
    const sched20 = sched.between(from, to, STEP);
    const worst_window_timeline = sched20.map((procs, i) => {
      const t = from + i * STEP;
      const lat = samples.filter(([at]) => at >= t && at < t + STEP).map(([, l]) => l);
      return { at_ms_from_put: Math.round(t - worstPut.sent), requests: lat.length, max_latency_ms: lat.length ? r1(Math.max(...lat)) : null, ...procs };
    });
    // What one traffic change costs Kiln's main process, at rest (no load): the CPU a swap takes
    // from the serving process on these two cores. CPU from /proc/<pid>/task/*/schedstat (ns).
    const putCost: { cpu_ms: number; wall_ms: number }[] = [];
    profiler("started (traffic changes at rest)");
    for (let i = 0; i < 40; i++) {
      const cpu0 = sched.cpuMs("kiln");
      const t0 = now();
      const r = await fetch(`${k.url}/api/endpoints/approval/traffic`, { method: "PUT", headers: auth, body: JSON.stringify({ traffic: [{ version: 1 + (i % 2), weight: 100 }], reason: `bench cost ${i}` }) });
      if (r.status !== 200) throw new Error(`traffic change at rest: HTTP ${r.status} ${await r.text()}`);
      await r.text();
      putCost.push({ wall_ms: now() - t0, cpu_ms: sched.cpuMs("kiln") - cpu0 });
    }
    profiler("stopped (traffic changes at rest)");
    sched.stop();
    const swap = {
      rate: half, requests: sw.requests, failed: sw.errors, answers_by_version: sw.versions,
      put_at_rest: { n: putCost.length, cpu_ms_p50: r1(pct(putCost.map((c) => c.cpu_ms), 0.5)), cpu_ms_max: r1(Math.max(...putCost.map((c) => c.cpu_ms))), wall_ms_p50: r1(pct(putCost.map((c) => c.wall_ms), 0.5)) },
      swaps: around, control_windows: controls, control_worst_ratio_to_p99: controlWorst, swap_worst_over_control_worst: r2(worstRatio / controlWorst),
      p99_ms_of_this_run_outside_windows: r2(pct(away, 0.99)), connections_handed_in_run: (await handedConnections()) - handedBeforeSwaps,
      p99_ms_reference: latency.p99_ms, worst_ratio_to_p99: worstRatio, worst_window_put_ms: r1(worstPut.answered - worstPut.sent), worst_window_timeline,
      target_failed: 0, target_ratio_to_p99: 3, met: sw.errors === 0 && worstRatio <= 3 && swaps.every((s) => s.status === 200),
      load_average: sw.load_average,
    };

    // 5. The notebook channel's execute round trip, idle vs while the endpoint is driven at half max.
    log("5. notebook channel, idle and under load");
    const nb = await api("POST", "/api/notebooks", { name: "bench" });
    log(`   notebook ${nb.id}`);
    const ch = new WebSocket(`${k.url.replace(/^http/, "ws")}/api/notebooks/${nb.id}/channel`, { headers: { authorization: `token ${token}` } });
    await new Promise((r, j) => (ch.once("open", r), ch.once("error", j), setTimeout(() => j(new Error("channel: not open in 20 s")), 20_000)));
    log("   channel open");
    let seq = 0;
    const viaChannel = (): Promise<number> => {
      const requestId = String(++seq);
      const s = performance.now();
      let execId = 0;
      const ended = new Set<number>();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("channel execute: no answer in 20 s")), 20_000);
        const on = (d: import("ws").RawData) => {
          const m = JSON.parse(String(d));
          if (m.reply === requestId) execId = m.data.id;
          else if (m.event?.type === "execution" && m.event.status === "ok") ended.add(m.event.execution_id);
          if (execId && ended.has(execId)) {
            clearTimeout(timer);
            ch.off("message", on);
            resolve(performance.now() - s);
          }
        };
        ch.on("message", on);
        ch.send(JSON.stringify({ op: "execute", request_id: requestId, cell_id: "c", code: "pass" }));
      });
    };
    await viaChannel(); // starts the notebook's kernel
    log("   kernel up");
    for (let i = 0; i < 20; i++) await viaChannel();
    /** Executions, one after another, for `ms` (at most 400). */
    const executions = async (ms: number) => {
      const xs: number[] = [];
      for (const end = performance.now() + ms; performance.now() < end && xs.length < 400; ) xs.push(await viaChannel());
      return xs;
    };
    const idle1 = await executions(3000);
    const loadedRun = drive(open(half, 2 * SECONDS), ["kiln", "serving"]);
    await new Promise((r) => setTimeout(r, WARMUP * 1000 + 300));
    const loaded = await executions(2 * SECONDS * 1000 - 800);
    const underLoad = await loadedRun;
    const idle2 = await executions(3000);
    ch.close();
    const idle = [...idle1, ...idle2];
    const isolation = {
      idle_ms: { n: idle.length, p50: r2(pct(idle, 0.5)), p95: r2(pct(idle, 0.95)) },
      loaded_ms: { n: loaded.length, p50: r2(pct(loaded, 0.5)), p95: r2(pct(loaded, 0.95)) },
      ratio_p50: r3(pct(loaded, 0.5) / pct(idle, 0.5)),
      ratio_p95: r3(pct(loaded, 0.95) / pct(idle, 0.95)),
      endpoint_during: { rate: half, achieved_rps: underLoad.rps, errors: underLoad.errors, p99_ms: underLoad.p99_ms },
      target_ratio: 1.5, met: pct(loaded, 0.5) / pct(idle, 0.5) <= 1.5,
      load_average: underLoad.load_average,
    };

    log("6. one request per connection");
    const fresh_connections = await freshConnections();

    const report = {
      benchmark: "served endpoint (kiln.prep + LogisticRegression, one raw row per request, private with its token) vs a bare node:http server, one load client, one Kiln (Docker spawner)",
      database: pg ? "postgres" : "pglite", serving_processes: cpuPids.serving!.length, niceness: { serving_processes: niceOf(cpuPids.serving![0]!), load_client_and_bare_server: peerNice, kiln_main_process: niceOf(k.pid) }, open_loop_client_pool: process.env.BENCH_POOL ? `${process.env.BENCH_POOL} connections, kept open` : "up to 512 connections, idle ones beyond 256 closed", endpoint_on: servingPort ? "KILN_SERVING_PORT (the serving process's own port)" : "Kiln's port",
      measure_s: SECONDS, warmup_s: WARMUP,
      ...provenance(),
      cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version,
      data_dirs_under: os.tmpdir(),
      load_average_before: loadBefore, load_average_after: load1(),
      request: kilnTarget.body, answer,
      throughput, latency, batching, swap, isolation, fresh_connections,
      targets: { throughput_ratio_ge_0_8: throughput.met, p99_lt_10ms_at_half_max: latency.met, batching_mean_ge_8_and_rps_not_lower: batching.met, swap_0_failed_and_le_3x_p99: swap.met, channel_ratio_le_1_5: isolation.met },
      ...(profile ? { profile_of_measurement_1: profile } : {}),
      notes: [] as string[],
    };
    const k32 = throughput.per_round.map((r) => r.kiln.server_cpu_us_per_request);
    const b32 = throughput.per_round.map((r) => r.bare.server_cpu_us_per_request);
    const c32 = throughput.per_round.flatMap((r) => [r.kiln.client_cpu_us_per_request, r.bare.client_cpu_us_per_request]);
    const worstSwap = around.reduce((a, b) => (b.ratio_to_p99 > a.ratio_to_p99 ? b : a));
    report.notes.push(
      `${os.cpus().length} cores shared by the load client, Kiln, the bare server and the user's container: the figures are CPU-bound. Per request, the client spent ${Math.min(...c32)}-${Math.max(...c32)} µs of CPU; the bare server ${Math.min(...b32)}-${Math.max(...b32)} µs; Kiln ${Math.min(...k32)}-${Math.max(...k32)} µs (process CPU, all threads, at concurrency 32). Kiln's requests/s is about what one core gives at its per-request cost, the bare server's is what is left of two cores after the client.`,
      `BENCHMARKS.md's anchors (bare node:http 21,000-26,000/s, node:http + onnxruntime 18,500/s) were taken with another client; this client drives the bare server to ${bestBare}/s, so the 0.8 target is against a baseline ${r2(bestBare / 23500)}x the anchor's midpoint. Against the anchor's 23,500/s Kiln would be at ${r3(bestKiln / 23500)}.`,
      "Run with --cpu-prof to see where Kiln's serving process spends its time per request (measurement 1 profiled, summarised in the output; that run's figures are not recorded).",
      `kiln_endpoint_batch_size is observed once per model run (from c35857e): mean batch = requests per model run, ${batching.per_round.map((r) => r.mean_batch_32).join(" and ")} at concurrency 32, ${batching.per_round.map((r) => r.mean_batch_256).join(" and ")} at 256, where the endpoint's max_batch (${endpointSettings.max_batch}, the default; max_wait_ms ${endpointSettings.max_wait_ms}) caps it.`,
      `Swaps: the worst was the swap to v${worstSwap.to_version} (PUT ${worstSwap.put_ms} ms, worst request ${worstSwap.max_latency_ms} ms, ${worstSwap.ratio_to_p99}x the p99 of measurement 2); the first swap to v2 loads its session (warmRoute) before traffic moves. The window is from 0.5 s before the PUT to 0.5 s after its answer; latency counts from each request's scheduled time. Windows of the same length with no swap, between the swaps, had their worst request at up to ${controlWorst}x the same p99 (control_windows): a swap's worst over the controls' worst, ${r2(worstRatio / controlWorst)}, is what the swap itself adds.`,
      `Notebook channel: \`pass\` round trips, ${isolation.idle_ms.n} idle (before and after) vs ${isolation.loaded_ms.n} while the endpoint took ${underLoad.rps} requests/s; the kernel's container, Kiln and the client share the ${os.cpus().length} cores.`,
    );
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    if (profileDir) return void log(`profiled: Kiln's CPU profile goes to ${profileDir} when it stops; figures not recorded`);
    fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "bench", "results", `serving${pg ? "-postgres" : ""}${servingPort ? "-serving-port" : ""}.json`), JSON.stringify(report, null, 2) + "\n");
  } catch (e) {
    log(`failed: ${(e as Error).stack}`);
    process.exitCode = 1;
  } finally {
    log("stopping");
    bare?.kill("SIGTERM");
    client.kill("SIGTERM");
    if (token) await fetch(`${k.url}/hub/api/users/${user}/server`, { method: "DELETE", headers: { authorization: `token ${token}` }, signal: AbortSignal.timeout(30_000) }).catch(() => {});
    log("stopping Kiln");
    await k.stop();
    if (pg) await dropDatabase(pg.name).catch(() => {});
    log("done");
  }
  process.exit(); // anything left (a client's timers) must not keep the benchmark alive
}
