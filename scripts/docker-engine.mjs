// Makes sure a Docker engine answers, installing and starting Debian's (docker.io) when
// needed. It runs without its default bridge network: test traffic stays on loopback and
// user containers get no network at all, reached through Unix sockets (see
// ../shared/ENVIRONMENT.md and ARCHITECTURE.md). Idempotent.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { say } from "./lib.mjs";

const answers = () => spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "pipe" }).status === 0;
const running = (name) => spawnSync("pgrep", ["-x", name], { stdio: "ignore" }).status === 0;

function install() {
  say("installing Docker engine (Debian docker.io)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "docker.io"]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed`);
  }
}

export async function ensureDockerEngine({ log = "/tmp/kiln-dockerd.log" } = {}) {
  if (answers()) return;
  if (!fs.existsSync("/usr/sbin/dockerd")) install();
  if (!running("dockerd")) {
    // A dockerd that was killed leaves its pid file behind and the next one refuses to start.
    for (const f of ["/var/run/docker.pid", "/run/docker.pid"]) fs.rmSync(f, { force: true });
    say("starting the Docker engine (no bridge network)");
    const out = fs.openSync(log, "a");
    const d = spawn("/usr/sbin/dockerd", ["--bridge=none", "--iptables=false", "--ip-masq=false"], {
      detached: true,
      stdio: ["ignore", out, out],
    });
    d.unref();
  }
  for (let i = 0; i < 120; i++) {
    if (answers()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the Docker engine did not answer within 60 s; see ${log}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureDockerEngine();
