/**
 * A dataset upload through the HTTP API, end to end, as a client does it (POST uploads, PUT the
 * file streamed with its Content-Length, POST commit), against coreutils `sha256sum` on the
 * same file in the same round. Target: at least 1.0x sha256sum (best of the rounds).
 *   cold: the file is rewritten with new random bytes before every round, so each upload is a
 *         new file whose every chunk is stored (fsync'd: the server's default store);
 *   warm: the same file uploaded again in that round (every chunk already stored).
 * A real Kiln server (PGlite, its own data directory) and one client, this process, on the same
 * machine: the client's CPU counts, as it would for a researcher uploading from the same host.
 * The order within a round rotates, so a burst of load elsewhere hits every contender alike;
 * every round is reported with the load average. `--compare <dir>` serves another checkout
 * too (the commit before a change) in the same rounds. Data directories go under TMPDIR.
 * Prints JSON; writes bench/results/dataset-upload.json.
 * usage: KILN_NEXT_DIST_DIR=.next-me node --import tsx bench/dataset-upload.ts [--mb 512] [--runs 5] [--compare DIR]
 */
import { execFile } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { adminToken, freePort, ROOT, startServer } from "./kiln-process";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const mb = arg("mb", 512);
const runs = arg("runs", 5);
const MiB = 1024 * 1024;
const TIME_LIMIT_MS = 10 * 60 * 1000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-bench-upload-"));
const file = path.join(dir, "data.bin");
setTimeout(() => (process.stderr.write(`bench/dataset-upload.ts: gave up after ${TIME_LIMIT_MS / 1000} s\n`), process.exit(2)), TIME_LIMIT_MS).unref();
process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));

/** New random bytes (an AES-CTR keystream: cheap), so the next upload is a new file to the store. */
function rewriteFile() {
  const cipher = createCipheriv("aes-256-ctr", randomBytes(32), randomBytes(16));
  const zeros = Buffer.alloc(16 * MiB);
  const fd = fs.openSync(file, "w");
  for (let left = mb * MiB; left > 0; left -= zeros.length) fs.writeSync(fd, cipher.update(zeros.subarray(0, Math.min(left, zeros.length))));
  fs.closeSync(fd);
}

async function sha256sum(): Promise<string> {
  const { stdout } = await promisify(execFile)("sha256sum", [file]);
  return stdout.split(" ")[0]!;
}

async function api(base: string, token: string, method: string, route: string, expected: number) {
  const r = await fetch(base + route, { method, headers: { authorization: `token ${token}`, "content-type": "application/json" }, body: "{}" });
  const body = (await r.json()) as Record<string, unknown>;
  if (r.status !== expected) throw new Error(`${method} ${route}: HTTP ${r.status} ${JSON.stringify(body)}`);
  return body;
}

/** The file's bytes streamed from disk into the PUT body (never whole in memory), as curl -T or the kiln module send it. */
function putFile(url: string, token: string): Promise<{ size: number; sha256: string; bodySentAt: number }> {
  return new Promise((resolve, reject) => {
    let bodySentAt = 0;
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: "PUT", headers: { authorization: `token ${token}`, "content-type": "application/octet-stream", "content-length": String(fs.statSync(file).size) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d) => (text += d));
        res.on("end", () => (res.statusCode === 200 ? resolve({ ...JSON.parse(text), bodySentAt }) : reject(new Error(`PUT: HTTP ${res.statusCode} ${text}`))));
      },
    );
    req.on("finish", () => (bodySentAt = performance.now())); // the last byte handed to the socket
    req.on("error", reject);
    fs.createReadStream(file, { highWaterMark: MiB }).on("error", reject).pipe(req);
  });
}

/** Where an upload's time went, in seconds: what waits on the server after the body is sent is its tail (the last chunks hashed, written, synced). */
interface Phases {
  create_s: number;
  body_sent_s: number;
  answer_after_body_s: number;
  commit_s: number;
}

/** One upload, start to committed version; the server's answer must name the file's real SHA-256. */
async function upload(base: string, token: string, expectedSha256: string): Promise<Phases> {
  const t0 = performance.now();
  const { upload_id } = await api(base, token, "POST", "/api/datasets/bench/uploads", 201);
  const t1 = performance.now();
  const stored = await putFile(`${base}/api/datasets/bench/uploads/${upload_id}/files/data.bin`, token);
  const t2 = performance.now();
  if (stored.sha256 !== expectedSha256 || stored.size !== mb * MiB) throw new Error(`the server stored ${JSON.stringify(stored)}, sha256sum says ${expectedSha256}`);
  await api(base, token, "POST", `/api/datasets/bench/uploads/${upload_id}/commit`, 201);
  const s = (a: number, b: number) => +((b - a) / 1000).toFixed(3);
  return { create_s: s(t0, t1), body_sent_s: s(t1, stored.bodySentAt), answer_after_body_s: s(stored.bodySentAt, t2), commit_s: s(t2, performance.now()) };
}

/** utime + stime, in seconds, of a /proc stat file's text (clock ticks, 100/s). */
function cpuOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The server process's CPU seconds (all its threads, ended ones too), from /proc. */
const cpuOf = (pid: number) => cpuOfStat(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));

/** CPU seconds per thread (Node names none of its threads but the main one: they go by id), from /proc. */
function threadCpuOf(pid: number): Map<string, number> {
  const byThread = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    byThread.set(tid === String(pid) ? "main" : `thread ${tid}`, cpuOfStat(stat));
  }
  return byThread;
}

/** The whole machine's busy and stolen CPU seconds so far (all cores, from /proc/stat): kernel write-back and the client count here too. */
/** CPU per new empty file made beside the store's own directories (the disk's part of each blob written). */
function fileCreateCpuMs(storeDir: string): number {
  const probe = fs.mkdtempSync(path.join(storeDir, ".probe-"));
  try {
    const before = process.cpuUsage();
    for (let i = 0; i < 256; i++) fs.closeSync(fs.openSync(path.join(probe, String(i)), "wx"));
    const used = process.cpuUsage(before);
    return +((used.user + used.system) / 1000 / 256).toFixed(3);
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

function machineCpu(): { busy: number; steal: number } {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  return { busy: (user + nice + system + irq + softirq) / 100, steal: steal / 100 };
}

interface Sample {
  s: number;
  /** every core's busy seconds meanwhile, and seconds the hypervisor gave to others */
  machine?: { busy_s: number; steal_s: number };
  serverCpuS?: number;
  /** an upload's phases */
  phases?: Phases;
  /** the server's CPU seconds in this upload by thread, most first (threads that ended meanwhile are not counted) */
  threads?: Record<string, number>;
}
async function timed(what: () => Promise<Phases | undefined>, pid?: number): Promise<Sample> {
  const cpu0 = pid ? cpuOf(pid) : 0;
  const threads0 = pid ? threadCpuOf(pid) : new Map<string, number>();
  const m0 = machineCpu();
  const t0 = performance.now();
  const phases = await what();
  const s = (performance.now() - t0) / 1000;
  const m1 = machineCpu();
  const machine = { busy_s: +(m1.busy - m0.busy).toFixed(2), steal_s: +(m1.steal - m0.steal).toFixed(2) };
  if (!pid) return { s, machine, phases };
  const spent = [...threadCpuOf(pid)].map(([name, cpu]) => [name, +(cpu - (threads0.get(name) ?? 0)).toFixed(2)] as const);
  const threads = Object.fromEntries(spent.filter(([, cpu]) => cpu > 0).sort((a, b) => b[1] - a[1]));
  return { s, machine, phases, serverCpuS: +(cpuOf(pid) - cpu0).toFixed(2), threads };
}
const mbps = (s: number) => +(mb / s).toFixed(1);
function summary(samples: Sample[]) {
  const best = Math.min(...samples.map((x) => x.s));
  return { mb_per_s: mbps(best), best_s: +best.toFixed(3), runs_s: samples.map((x) => +x.s.toFixed(3)) };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A server under test, with a user allowed to upload. */
async function serve(label: string, root?: string) {
  const admin = adminToken();
  const k = await startServer(await freePort(), { KILN_ADMIN_TOKEN: admin }, root);
  const h = { authorization: `token ${admin}`, "content-type": "application/json" };
  await fetch(`${k.url}/hub/api/users/bench`, { method: "POST", headers: h });
  const { token } = (await (await fetch(`${k.url}/hub/api/users/bench/tokens`, { method: "POST", headers: h, body: "{}" })).json()) as { token: string };
  return { label, k, token, cold: [] as Sample[], warm: [] as Sample[] };
}

// --compare <dir>: another checkout (say, the commit before a change) served beside this one
// and measured in the same rounds, so before and after meet the same machine noise.
const compareAt = process.argv.indexOf("--compare");
const servers = [await serve("kiln")];
try {
  if (compareAt > 0) servers.push(await serve(`kiln at ${process.argv[compareAt + 1]}`, path.resolve(process.argv[compareAt + 1]!)));
  const sums: Sample[] = [];
  const rounds: Record<string, unknown>[] = [];
  const loadBefore = os.loadavg()[0]!;
  rewriteFile();
  const first = await sha256sum();
  for (const s of servers) await upload(s.k.url, s.token, first); // warm-up (JIT, the hashing workers, the database): not counted
  for (let round = 0; round < runs; round++) {
    rewriteFile();
    const load = os.loadavg()[0]!;
    // The file's digest, untimed, checks each upload's answer (and leaves the file cached for all).
    const digest = await sha256sum();
    const steps = [
      { label: "sha256sum", run: async () => sums.push(await timed(async () => ((await sha256sum()) === digest ? undefined : Promise.reject(new Error("sha256sum changed its mind"))))) },
      ...servers.map((s) => ({ label: s.label, run: async () => s.cold.push(await timed(() => upload(s.k.url, s.token, digest), s.k.pid)) })),
    ];
    // Each round starts with the next contender, so none always runs first or last.
    const order = steps.map((_, i) => steps[(i + round) % steps.length]!);
    for (const step of order) await step.run();
    for (const s of servers) s.warm.push(await timed(() => upload(s.k.url, s.token, digest), s.k.pid));
    const sum = sums.at(-1)!.s;
    rounds.push({
      order: order.map((x) => x.label),
      load_average: +load.toFixed(2),
      sha256sum_s: +sum.toFixed(3),
      sha256sum_machine: sums.at(-1)!.machine,
      ...Object.fromEntries(
        servers.map((s) => [s.label, { cold_s: +s.cold.at(-1)!.s.toFixed(3), warm_s: +s.warm.at(-1)!.s.toFixed(3), ratio_cold: +(sum / s.cold.at(-1)!.s).toFixed(2), ratio_warm: +(sum / s.warm.at(-1)!.s).toFixed(2), server_cpu_s_cold: s.cold.at(-1)!.serverCpuS, server_threads_cpu_s_cold: s.cold.at(-1)!.threads, machine_cold: s.cold.at(-1)!.machine, phases_cold: s.cold.at(-1)!.phases, phases_warm: s.warm.at(-1)!.phases }]),
      ),
    });
  }
  const base = summary(sums);
  const ratio = (x: { best_s: number }) => +(base.best_s / x.best_s).toFixed(2);
  const figures = (s: (typeof servers)[number]) => {
    const cold = summary(s.cold);
    const warm = summary(s.warm);
    const perRound = (kind: "cold" | "warm") => median(s[kind].map((x, i) => sums[i]!.s / x.s));
    return {
      cold: { ...cold, ratio_to_sha256sum: ratio(cold), median_round_ratio: +perRound("cold").toFixed(2), server_cpu_s_per_upload: median(s.cold.map((x) => x.serverCpuS!)) },
      warm: { ...warm, ratio_to_sha256sum: ratio(warm), median_round_ratio: +perRound("warm").toFixed(2), server_cpu_s_per_upload: median(s.warm.map((x) => x.serverCpuS!)) },
    };
  };
  const kiln = figures(servers[0]!);
  const report = {
    benchmark: `dataset upload through the HTTP API (POST uploads, PUT ${mb} MB streamed, POST commit), one client, PGlite, fsync'd local store, vs coreutils sha256sum on the same file`,
    file_mb: mb,
    runs,
    cores: os.cpus().length,
    data_dirs_under: os.tmpdir(),
    // A new blob is a new file: on this VM's ext4, creating one cost 0.02-0.37 ms of CPU
    // depending on the block group its directory landed in, and a 512 MB upload makes 1,024.
    file_create_cpu_ms_in_store: fileCreateCpuMs(path.join(servers[0]!.k.dataDir, "blobs")),
    load_average_before: +loadBefore.toFixed(2),
    load_average_after: +os.loadavg()[0]!.toFixed(2),
    baseline_sha256sum: base,
    kiln_upload_cold: kiln.cold,
    kiln_upload_warm: kiln.warm,
    ...(servers[1] ? { compared: { checkout: servers[1].label, ...figures(servers[1]) } } : {}),
    rounds,
    target_min_ratio_to_sha256sum: 1.0,
    meets_target: kiln.cold.ratio_to_sha256sum >= 1.0,
  };
  console.log(JSON.stringify(report, null, 2));
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "dataset-upload.json"), JSON.stringify(report, null, 2) + "\n");
} finally {
  for (const s of servers) await s.k.stop();
}
