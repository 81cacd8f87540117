// Provisions what the test suite needs on a fresh Debian machine; skips what is present.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { run, say } from "./lib.mjs";

const ok = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

export function ensurePostgres() {
  if (ok("pg_isready", ["-h", "127.0.0.1", "-p", "5432"])) return;
  say("starting PostgreSQL");
  const versions = fs.existsSync("/etc/postgresql") ? fs.readdirSync("/etc/postgresql") : [];
  if (versions.length === 0) throw new Error("PostgreSQL is not installed (expected under /etc/postgresql)");
  run("pg_ctlcluster", ["--skip-systemctl-redirect", versions[0], "main", "start"]);
  for (let i = 0; i < 30 && !ok("pg_isready", ["-h", "127.0.0.1", "-p", "5432"]); i++) spawnSync("sleep", ["1"]);
}

let aptUpdated = false;
function aptInstall(...pkgs) {
  if (!aptUpdated) run("apt-get", ["update", "-qq"]);
  aptUpdated = true;
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...pkgs], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

export function ensureChromium() {
  if (fs.existsSync("/usr/bin/chromium")) return;
  say("installing Chromium (Debian package) for the browser tests");
  aptInstall("chromium");
}

/** Debian's Jupyter Server and kernel for the local-process spawner (no Docker needed). */
export function ensureLocalJupyter() {
  if (ok("/usr/bin/python3", ["-c", "import jupyter_server, ipykernel, numpy, terminado"])) return;
  say("installing Debian's Jupyter Server and ipykernel for local servers");
  aptInstall("python3-jupyter-server", "python3-ipykernel", "python3-numpy", "python3-terminado");
}

/** nginx, the load balancer in front of several Kiln replicas in the tests (tests/helpers/replicas.ts). */
export function ensureNginx() {
  if (fs.existsSync("/usr/sbin/nginx")) return;
  say("installing nginx (Debian package) for the replica tests");
  // nginx-light has the upstream and proxy modules the tests use; the service is never started.
  aptInstall("nginx-light");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensurePostgres();
  ensureChromium();
  ensureLocalJupyter();
  ensureNginx();
}
