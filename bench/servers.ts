/**
 * User servers: time to first execution (POST server -> result of `1+1` through the proxy),
 * cold, for a new user each trial, against Debian's JupyterHub 3.0 (local process spawner,
 * bench/jupyterhub.ts) in the same run, trials alternating; the default configuration's
 * warm pool; and the proxy's overhead on the execute round trip (300 sequential `pass`)
 * against the same kernel reached directly. Needs the Docker engine, the `python` image
 * (`npm run images`) and `apt-get install jupyterhub`. Prints JSON; writes
 * bench/results/servers.json.
 * usage: node --import tsx bench/servers.ts [--runs 5]
 */
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import type { Kernel, KernelManager } from "@jupyterlab/services";
import WebSocket from "ws";
import { adminToken, freePort, jupyterOf, ROOT, startServer } from "./kiln-process";
import { jupyterClient } from "../tests/helpers/jupyter";
import { jupyterHubTtfe, startJupyterHub } from "./jupyterhub";

// Never hang: a stuck spawn or kernel ends the benchmark with an error, servers cleaned up.
setTimeout(() => {
  process.stderr.write("bench/servers.ts: gave up after 8 minutes\n");
  process.exit(1);
}, 8 * 60_000).unref();

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 5) || 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

async function execute(kernel: Kernel.IKernelConnection, code: string) {
  await kernel.requestExecute({ code }).done;
}

async function roundTrips(kernel: Kernel.IKernelConnection, n: number) {
  for (let i = 0; i < 20; i++) await execute(kernel, "pass");
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await execute(kernel, "pass");
    t.push(performance.now() - s);
  }
  return t;
}

const admin = adminToken();
const h = { authorization: `token ${admin}` };

async function benchUser(url: string, name: string) {
  await fetch(`${url}/hub/api/users/${name}`, { method: "POST", headers: h });
  const r = await fetch(`${url}/hub/api/users/${name}/tokens`, { method: "POST", headers: h, body: "{}" });
  return ((await r.json()) as { token: string }).token;
}

/** POST server -> `1+1` answered through the proxy, in seconds; the server is stopped after. */
async function ttfe(url: string, name: string, token: string) {
  const auth = { authorization: `token ${token}` };
  const t0 = performance.now();
  const r = await fetch(`${url}/hub/api/users/${name}/server`, { method: "POST", headers: auth, body: "{}" });
  if (r.status !== 201) throw new Error(`start: ${r.status} ${await r.text()}`);
  const km: KernelManager = jupyterClient(url, name, token);
  const kernel = await km.startNew({ name: "python3" });
  let result = "";
  const f = kernel.requestExecute({ code: "1+1" });
  f.onIOPub = (m) => {
    if (m.header.msg_type === "execute_result") result = (m.content as { data: Record<string, string> }).data["text/plain"]!;
  };
  await f.done;
  if (result !== "2") throw new Error(`1+1 gave ${result}`);
  const seconds = (performance.now() - t0) / 1000;
  km.dispose();
  await fetch(`${url}/hub/api/users/${name}/server`, { method: "DELETE", headers: auth });
  return seconds;
}

// Cold: no pool, every start creates a container. A brand-new user each time, as a newcomer
// meets it (a new home, a new token), on both hubs. The trials alternate, JupyterHub then
// Kiln, so that a busy spell on this shared machine falls on both rather than on one.
const k = await startServer(await freePort(), { KILN_ADMIN_TOKEN: admin, KILN_WARM_POOL: "none" });
const token = await benchUser(k.url, "bench");
const auth = { authorization: `token ${token}` };
const hub = await startJupyterHub();
const hubTtfe: number[] = [];
const cold: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    hubTtfe.push(await jupyterHubTtfe(hub, `bench${i}`));
    cold.push(await ttfe(k.url, `cold${i}`, await benchUser(k.url, `cold${i}`)));
  }
} finally {
  await hub.stop();
}

// Warm: a pool of one python container; each start waits until the pool has refilled,
// as a user arriving a few seconds after the previous one would find it.
// The default configuration (a pool of one container of the default image), new users too.
const warmKiln = await startServer(await freePort(), { KILN_ADMIN_TOKEN: admin, KILN_WARM_POOL: "" });
const poolReady = async () => {
  for (let i = 0; i < 600; i++) {
    const c = (await (await fetch(`${warmKiln.url}/api/capacity`, { headers: h })).json()) as { warm_pool: { ready: number }[] };
    if (c.warm_pool[0]?.ready === 1) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the warm pool did not fill");
};
const warm: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    await poolReady();
    warm.push(await ttfe(warmKiln.url, `warm${i}`, await benchUser(warmKiln.url, `warm${i}`)));
  }
} finally {
  await warmKiln.stop();
}

// Proxy overhead: one kernel, reached through Kiln and directly.
await fetch(`${k.url}/hub/api/users/bench/server`, { method: "POST", headers: auth, body: "{}" });
const viaKiln = jupyterClient(k.url, "bench", token);
const kernel = await viaKiln.startNew({ name: "python3" });
const proxied = await roundTrips(kernel, 300);
// Directly: the same kernel over the server's Unix socket (its container has no network).
const { socket, token: jtoken } = await jupyterOf(new Docker(), "bench");
class SocketWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url.replace(/^ws:\/\/[^/]+/, `ws+unix://${socket}:`), protocols);
  }
}
const direct = jupyterClient("http://jupyter.socket", "bench", jtoken, "", SocketWebSocket as unknown as typeof WebSocket);
const sameKernel = direct.connectTo({ model: { id: kernel.id, name: "python3" } });
const straight = await roundTrips(sameKernel, 300);
viaKiln.dispose();
direct.dispose();
await fetch(`${k.url}/hub/api/users/bench/server`, { method: "DELETE", headers: auth });
await k.stop();

const report = {
  benchmark: "user servers (Docker spawner, python image)",
  ttfe_s: {
    runs,
    jupyterhub_local_median: +median(hubTtfe).toFixed(3),
    kiln_docker_cold_median: +median(cold).toFixed(3),
    kiln_docker_warm_pool_median: +median(warm).toFixed(3),
    ratio_cold_to_jupyterhub: +(median(cold) / median(hubTtfe)).toFixed(3),
    ratio_warm_to_jupyterhub: +(median(warm) / median(hubTtfe)).toFixed(3),
    raw: { jupyterhub: hubTtfe.map((x) => +x.toFixed(3)), kiln_cold: cold.map((x) => +x.toFixed(3)), kiln_warm: warm.map((x) => +x.toFixed(3)) },
  },
  execute_round_trip_ms: {
    direct_median: +median(straight).toFixed(2), direct_p95: +p95(straight).toFixed(2),
    through_kiln_median: +median(proxied).toFixed(2), through_kiln_p95: +p95(proxied).toFixed(2),
    ratio: +(median(proxied) / median(straight)).toFixed(3),
  },
};
fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(ROOT, "bench", "results", "servers.json"), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
