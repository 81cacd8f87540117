// A real two-node Docker Swarm on this one machine, for the Swarm spawner's tests and for
// trying it by hand: two extra Docker engines (data root, exec root, socket and pid file of
// their own under KILN_SWARM_DIR, no bridge network), joined over loopback; node 2 declares
// two fake GPUs as generic resources. The kernel image is copied from the main engine into
// both. Idempotent: a swarm left by a killed run is reused when whole, else re-formed.
// One user at a time: `up` takes an exclusive lock (flock on KILN_SWARM_DIR/lock, held by a
// child process until `down`), so two test files (vitest runs files side by side), or a test
// and a person, never clean, drain or stop the swarm under each other; the second waits.
// See ../shared/ENVIRONMENT.md ("A real multi-node Docker Swarm on one machine").
//   node scripts/swarm.mjs up | down | status
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const SWARM_DIR = process.env.KILN_SWARM_DIR ?? "/tmp/kiln-swarm";
/** Fixed, so a test can name them; formatted as nvidia-smi's uuids. */
export const FAKE_GPUS = ["GPU-5a1f0001-0000-4000-8000-000000000001", "GPU-5a1f0002-0000-4000-8000-000000000002"];
export const NODES = [
  { name: "n1", gpus: [], listen: null },
  { name: "n2", gpus: FAKE_GPUS, listen: "127.0.0.1:2378" },
];
export const IMAGES = ["kiln/python:latest"];

const say = (msg) => process.stderr.write(`[kiln swarm] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function paths(name) {
  const dir = path.join(SWARM_DIR, name);
  const sock = path.join(dir, "docker.sock");
  return { dir, root: path.join(dir, "root"), exec: path.join(dir, "exec"), sock, pid: path.join(dir, "docker.pid"), log: path.join(dir, "dockerd.log"), host: `unix://${sock}` };
}

/** `docker -H <node's socket> ...`; throws with its stderr unless `ok` is false. */
function docker(name, args, { ok = true, input, stdio } = {}) {
  const r = spawnSync("docker", ["-H", paths(name).host, ...args], { encoding: stdio ? undefined : "utf8", input, stdio: stdio ?? "pipe", maxBuffer: 64 << 20 });
  if (ok && r.status !== 0) throw new Error(`docker -H ${name} ${args.join(" ")}: ${r.stderr?.toString().trim()}`);
  return r;
}

const answers = (name) => docker(name, ["info", "--format", "{{.ServerVersion}}"], { ok: false }).status === 0;

function pidOf(name) {
  try {
    const pid = Number(fs.readFileSync(paths(name).pid, "utf8").trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/**
 * The swarm's lock: an flock(1) child holds KILN_SWARM_DIR/lock until its stdin closes, which
 * the kernel also does when this process dies however it dies (SIGKILL included): a killed
 * test never leaves the swarm locked.
 */
let holder = null;

export async function lockSwarm() {
  if (holder) return;
  fs.mkdirSync(SWARM_DIR, { recursive: true });
  const file = path.join(SWARM_DIR, "lock");
  const owner = path.join(SWARM_DIR, "lock.owner");
  const child = spawn("flock", ["-x", file, "-c", "echo locked; exec cat >/dev/null"], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = setTimeout(() => say(`waiting for the swarm: ${fs.existsSync(owner) ? fs.readFileSync(owner, "utf8").trim() : "another user"} holds ${file}`), 1000);
  try {
    await new Promise((resolve, reject) => {
      child.stdout.once("data", resolve);
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`flock ${file} exited with ${code}`)));
    });
  } finally {
    clearTimeout(waiting);
  }
  child.removeAllListeners("exit");
  child.stdout.destroy();
  // The lock must not keep this process alive by itself; it goes with it.
  child.stdin.unref?.();
  child.unref();
  holder = child;
  fs.writeFileSync(owner, `pid ${process.pid} (${process.argv.slice(1).join(" ").slice(0, 200)})\n`);
}

export async function unlockSwarm() {
  const child = holder;
  if (!child) return;
  holder = null;
  fs.rmSync(path.join(SWARM_DIR, "lock.owner"), { force: true });
  const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  child.ref(); // until it has let go
  child.stdin.end();
  await exited;
}

/** Starts one engine unless it answers already. */
export async function startEngine(node) {
  const p = paths(node.name);
  if (answers(node.name)) return;
  fs.mkdirSync(p.dir, { recursive: true });
  if (!pidOf(node.name)) {
    // A killed dockerd leaves its pid file and socket behind; the next refuses to start.
    for (const f of [p.pid, p.sock]) fs.rmSync(f, { force: true });
    say(`starting engine ${node.name}`);
    const out = fs.openSync(p.log, "a");
    const args = [
      "--data-root", p.root, "--exec-root", p.exec, "-H", p.host, "--pidfile", p.pid,
      "--bridge=none", "--iptables=false", "--ip-masq=false",
      // Kiln places network-less servers only on engines that say they have no default
      // bridge (a swarm task without networks would get it): see lib/spawners/swarm-service.ts.
      "--label", "org.kiln.no-bridge=true",
      // API < 1.44 cannot ask it per service: the node applies it to every container.
      "--no-new-privileges",
      ...node.gpus.flatMap((g) => ["--node-generic-resource", `NVIDIA-GPU=${g}`]),
    ];
    spawn("/usr/sbin/dockerd", args, { detached: true, stdio: ["ignore", out, out] }).unref();
  }
  for (let i = 0; i < 240; i++) {
    if (answers(node.name)) return;
    await sleep(250);
  }
  throw new Error(`engine ${node.name} did not answer within 60 s; see ${p.log}`);
}

const swarmState = (name) => docker(name, ["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}"]).stdout.trim().split(" ");

/** Both engines in one swarm, n1 its manager, every node Ready and active. */
function whole() {
  const [s1, manager] = swarmState("n1");
  const [s2, , id2] = swarmState("n2");
  if (s1 !== "active" || manager !== "true" || s2 !== "active") return false;
  const nodes = docker("n1", ["node", "ls", "--format", "{{.ID}} {{.Status}}"]).stdout.trim().split("\n").map((l) => l.split(" "));
  return nodes.length === 2 && nodes.every(([, status]) => status === "Ready") && nodes.some(([id]) => id === id2);
}

async function formSwarm() {
  for (const n of NODES) docker(n.name, ["swarm", "leave", "--force"], { ok: false });
  docker("n1", ["swarm", "init", "--advertise-addr", "127.0.0.1"]);
  const token = docker("n1", ["swarm", "join-token", "-q", "worker"]).stdout.trim();
  for (const n of NODES.slice(1)) docker(n.name, ["swarm", "join", "--token", token, "--listen-addr", n.listen, "--advertise-addr", n.listen, "127.0.0.1:2377"]);
  for (let i = 0; i < 240 && !whole(); i++) await sleep(250);
  if (!whole()) throw new Error("the swarm did not become whole (two Ready nodes) within 60 s");
}

/** The image into an engine from the main one, unless that engine has the same image id. */
export function loadImage(name, image) {
  const want = spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", image], { encoding: "utf8" });
  if (want.status !== 0) throw new Error(`${image} is not on the main engine: build it with \`node docker/build-images.mjs\``);
  const have = docker(name, ["image", "inspect", "--format", "{{.Id}}", image], { ok: false });
  if (have.status === 0 && have.stdout.trim() === want.stdout.trim()) return;
  say(`loading ${image} into ${name}`);
  const saved = spawnSync("docker", ["save", image], { maxBuffer: 8 << 30 });
  if (saved.status !== 0) throw new Error(`docker save ${image}: ${saved.stderr}`);
  docker(name, ["load", "-q"], { input: saved.stdout, stdio: ["pipe", "pipe", "pipe"] });
}

/** Services (and home pins) an earlier run left (a killed test): they would hold the fake GPUs. */
function removeLeftovers() {
  const services = docker("n1", ["service", "ls", "-q"]).stdout.trim().split("\n").filter(Boolean);
  if (services.length) docker("n1", ["service", "rm", ...services], { ok: false });
  const configs = docker("n1", ["config", "ls", "-q", "--filter", "label=org.kiln.managed=true"]).stdout.trim().split("\n").filter(Boolean);
  if (configs.length) docker("n1", ["config", "rm", ...configs], { ok: false });
  for (const n of NODES) {
    const id = swarmState(n.name)[2];
    docker("n1", ["node", "update", "--availability", "active", id], { ok: false });
  }
}

/**
 * Everything up: engines, swarm, images. Returns what a Kiln needs. `clean`: remove every
 * service first (the swarm is this script's own).
 */
export async function swarmUp({ images = IMAGES, clean = true } = {}) {
  await lockSwarm(); // until swarmDown: nobody else cleans, drains or stops it meanwhile
  try {
    for (const n of NODES) await startEngine(n);
    if (!whole()) await formSwarm();
    if (clean) removeLeftovers();
    for (const n of NODES) for (const image of images) loadImage(n.name, image);
  } catch (e) {
    await unlockSwarm();
    throw e;
  }
  return { manager: paths("n1").host, nodes: NODES.map((n) => ({ name: n.name, host: paths(n.name).host, id: swarmState(n.name)[2], gpus: n.gpus })) };
}

/**
 * Leaves the swarm on each engine, stops the engines this script started (by pid file),
 * removes the swarm's bridge; then gives the lock back. `keep`: only gives the lock back (the
 * engines stay up for the next user, who reuses them).
 */
export async function swarmDown({ keep = false } = {}) {
  await lockSwarm(); // a no-op for the holder; `down` by hand waits for a running test
  try {
    if (!keep) await teardown();
  } finally {
    await unlockSwarm();
  }
}

async function teardown() {
  for (const n of NODES) if (answers(n.name)) docker(n.name, ["swarm", "leave", "--force"], { ok: false });
  for (const n of NODES) {
    const pid = pidOf(n.name);
    if (!pid) continue;
    say(`stopping engine ${n.name} (pid ${pid})`);
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 120 && pidOf(n.name); i++) await sleep(250);
    if (pidOf(n.name)) process.kill(pid, "SIGKILL");
  }
  // Made by the swarm (one bridge shared by the host's engines): nothing else uses it here.
  spawnSync("ip", ["link", "delete", "docker_gwbridge"], { stdio: "ignore" });
}

export function swarmStatus() {
  return NODES.map((n) => ({ name: n.name, pid: pidOf(n.name), answers: answers(n.name), swarm: answers(n.name) ? swarmState(n.name) : null }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cmd = process.argv[2];
  if (cmd === "up") {
    process.stdout.write(`${JSON.stringify(await swarmUp(), null, 2)}\n`);
    await unlockSwarm(); // by hand: up until someone says down (a test waits for nobody then)
  }
  else if (cmd === "down") await swarmDown();
  else if (cmd === "status") process.stdout.write(`${JSON.stringify(swarmStatus(), null, 2)}\n`);
  else {
    process.stderr.write("usage: node scripts/swarm.mjs up | down | status\n");
    process.exit(2);
  }
}
