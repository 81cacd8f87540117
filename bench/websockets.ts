/**
 * 200 kernel WebSockets open at once through Kiln's proxy: every socket opens, every one
 * gets its kernel_info reply, none errors; Kiln's memory is reported before and with them
 * open. The baseline is the same 200 sockets straight to the same Jupyter Server, in the
 * same run. Needs the Docker engine and the `python` image. Prints JSON; writes
 * bench/results/websockets.json.
 * usage: node --import tsx bench/websockets.ts [--sockets 200] [--kernels 4]
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import WebSocket from "ws";
import { adminToken, ROOT, startServer } from "./kiln-process";

setTimeout(() => {
  process.stderr.write("bench/websockets.ts: gave up after 5 minutes\n");
  process.exit(1);
}, 5 * 60_000).unref();

const arg = (name: string, d: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || d) || d;
const SOCKETS = arg("sockets", 200);
const KERNELS = arg("kernels", 4);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

function kernelInfo(session: string) {
  return JSON.stringify({
    header: { msg_id: crypto.randomUUID(), msg_type: "kernel_info_request", session, username: "bench", date: new Date().toISOString(), version: "5.3" },
    parent_header: {}, metadata: {}, content: {}, channel: "shell",
  });
}

/** Opens all sockets at once; each asks kernel_info once all are open. */
async function storm(urls: string[], headers: Record<string, string>) {
  const t0 = performance.now();
  let errors = 0;
  const sockets = await Promise.all(
    urls.map(
      (u) =>
        new Promise<WebSocket | null>((resolve) => {
          const ws = new WebSocket(u, { headers });
          ws.once("open", () => resolve(ws));
          ws.once("error", () => (errors++, resolve(null)));
        }),
    ),
  );
  const openMs = performance.now() - t0;
  const rtt = await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<number>((resolve) => {
          if (!ws) return resolve(NaN);
          const session = crypto.randomUUID();
          const s = performance.now();
          const timer = setTimeout(() => (errors++, resolve(NaN)), 30_000);
          ws.on("message", (d) => {
            const m = JSON.parse(String(d));
            if (m.msg_type === "kernel_info_reply" || m.header?.msg_type === "kernel_info_reply") {
              if (m.parent_header?.session !== session) return;
              clearTimeout(timer);
              resolve(performance.now() - s);
            }
          });
          ws.send(kernelInfo(session));
        }),
    ),
  );
  return { sockets, openMs, rtt: rtt.filter((x) => !Number.isNaN(x)), errors };
}

const admin = adminToken();
const step = (m: string) => process.stderr.write(`[ws bench] ${m}\n`);
const h = { authorization: `token ${admin}` };
const k = await startServer(44000 + Math.floor(Math.random() * 1000), { KILN_ADMIN_TOKEN: admin });
try {
  await fetch(`${k.url}/hub/api/users/wsbench`, { method: "POST", headers: h });
  const start = await fetch(`${k.url}/hub/api/users/wsbench/server`, { method: "POST", headers: h, body: "{}" });
  if (start.status !== 201) throw new Error(`start: ${start.status}`);
  step("server started");
  const kernels: string[] = [];
  for (let i = 0; i < KERNELS; i++) {
    const r = await fetch(`${k.url}/user/wsbench/api/kernels`, { method: "POST", headers: h, body: JSON.stringify({ name: "python3" }) });
    kernels.push(((await r.json()) as { id: string }).id);
  }
  const info = await new Docker().getContainer(`kiln-wsbench`).inspect();
  const port = /--ServerApp.port=(\d+)/.exec(info.Config.Cmd.join(" "))![1];
  const jtoken = info.Config.Env.find((e) => e.startsWith("JUPYTER_TOKEN="))!.split("=")[1]!;

  const paths = Array.from({ length: SOCKETS }, (_, i) => `/user/wsbench/api/kernels/${kernels[i % KERNELS]}/channels?session_id=${crypto.randomUUID()}`);
  const idleRss = rssMb(k.pid);

  step("kernels started");
  const direct = await storm(paths.map((p) => `ws://127.0.0.1:${port}${p}`), { authorization: `token ${jtoken}` });
  for (const ws of direct.sockets) ws?.close();
  await new Promise((r) => setTimeout(r, 1000));

  step(`direct storm: ${direct.errors} errors`);
  const viaKiln = await storm(paths.map((p) => `${k.url.replace("http", "ws")}${p}`), h);
  const openRss = rssMb(k.pid);
  for (const ws of viaKiln.sockets) ws?.close();
  await fetch(`${k.url}/hub/api/users/wsbench/server`, { method: "DELETE", headers: h });

  const report = {
    benchmark: `${SOCKETS} kernel WebSockets open at once (${KERNELS} kernels, one python server, Docker spawner)`,
    direct: { opened: direct.sockets.filter(Boolean).length, errors: direct.errors, open_all_ms: +direct.openMs.toFixed(0), kernel_info_p50_ms: +pct(direct.rtt, 0.5).toFixed(1), kernel_info_p95_ms: +pct(direct.rtt, 0.95).toFixed(1) },
    through_kiln: { opened: viaKiln.sockets.filter(Boolean).length, errors: viaKiln.errors, open_all_ms: +viaKiln.openMs.toFixed(0), kernel_info_p50_ms: +pct(viaKiln.rtt, 0.5).toFixed(1), kernel_info_p95_ms: +pct(viaKiln.rtt, 0.95).toFixed(1) },
    kiln_rss_mb: { idle: +idleRss.toFixed(1), with_sockets_open: +openRss.toFixed(1), per_socket_kb: +(((openRss - idleRss) * 1024) / SOCKETS).toFixed(1) },
    ratio_p50_kiln_to_direct: +(pct(viaKiln.rtt, 0.5) / pct(direct.rtt, 0.5)).toFixed(3),
  };
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "websockets.json"), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  if (viaKiln.errors || viaKiln.sockets.some((s) => !s)) process.exitCode = 1;
} finally {
  await k.stop();
}
