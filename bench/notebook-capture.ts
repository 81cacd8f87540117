/**
 * What Kiln's server-side capture costs: 300 sequential small executions (`pass`) through
 * Kiln's notebook API (POST .../execute, result on the notebook's event stream, recorded in
 * the database) against the same kernel's round trip over a direct WebSocket to its Jupyter
 * Server (execute_request -> execute_reply), in the same run. Needs the Docker engine and the
 * `python` image. Prints JSON; writes bench/results/notebook-capture.json.
 * usage: node --import tsx bench/notebook-capture.ts [--n 300]
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import WebSocket from "ws";
import { adminToken, freePort, jupyterOf, ROOT, startServer } from "./kiln-process";
import { subscribeEvents } from "../tests/helpers/sse";

setTimeout(() => {
  process.stderr.write("bench/notebook-capture.ts: gave up after 5 minutes\n");
  process.exit(1);
}, 5 * 60_000).unref();

const N = Number(process.argv[process.argv.indexOf("--n") + 1] || 300) || 300;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const admin = adminToken();
const h = { authorization: `token ${admin}`, "content-type": "application/json" };
const k = await startServer(await freePort(), { KILN_ADMIN_TOKEN: admin });
try {
  await fetch(`${k.url}/hub/api/users/capture`, { method: "POST", headers: h });
  const { token } = (await (await fetch(`${k.url}/hub/api/users/capture/tokens`, { method: "POST", headers: h, body: "{}" })).json()) as { token: string };
  const auth = { authorization: `token ${token}`, "content-type": "application/json" };
  if ((await fetch(`${k.url}/hub/api/users/capture/server`, { method: "POST", headers: auth, body: "{}" })).status !== 201) throw new Error("server did not start");
  const nb = (await (await fetch(`${k.url}/api/notebooks`, { method: "POST", headers: auth, body: JSON.stringify({ name: "bench" }) })).json()) as { id: number };

  const postMs: number[] = [];
  let ev: Awaited<ReturnType<typeof subscribeEvents>>;
  async function viaKiln() {
    const s = performance.now();
    const r = (await (await fetch(`${k.url}/api/notebooks/${nb.id}/execute`, { method: "POST", headers: auth, body: JSON.stringify({ cell_id: "c", code: "pass" }) })).json()) as { id: number };
    postMs.push(performance.now() - s);
    await ev.until((d) => d.type === "execution" && d.execution_id === r.id && d.status === "ok", 10_000);
    return performance.now() - s;
  }

  // The browser's path: one WebSocket for commands and events.
  const ch = new WebSocket(`${k.url.replace(/^http/, "ws")}/api/notebooks/${nb.id}/channel`, { headers: { authorization: `token ${token}` } });
  await new Promise((r, j) => (ch.once("open", r), ch.once("error", j)));
  let seq = 0;
  function viaChannel(): Promise<number> {
    const requestId = String(++seq);
    const s = performance.now();
    let execId = 0;
    const ended = new Set<number>();
    return new Promise((resolve) => {
      const on = (d: WebSocket.RawData) => {
        const m = JSON.parse(String(d));
        if (m.reply === requestId) execId = m.data.id;
        else if (m.event?.type === "execution" && m.event.status === "ok") ended.add(m.event.execution_id);
        if (execId && ended.has(execId)) {
          ch.off("message", on);
          resolve(performance.now() - s);
        }
      };
      ch.on("message", on);
      ch.send(JSON.stringify({ op: "execute", request_id: requestId, cell_id: "c", code: "pass" }));
    });
  }
  // The same kernel, straight to its Jupyter Server.
  await viaChannel();
  const kernelId = ((await (await fetch(`${k.url}/api/notebooks/${nb.id}/kernel`, { headers: auth })).json()) as { kernel_id: string }).kernel_id;
  // (over its Unix socket: the container has no network)
  const { socket, token: jtoken } = await jupyterOf(new Docker(), "capture");
  const ws = new WebSocket(`ws+unix://${socket}:/user/capture/api/kernels/${kernelId}/channels?session_id=${crypto.randomUUID()}`, { headers: { authorization: `token ${jtoken}` } });
  await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
  const session = crypto.randomUUID();
  // Two ends: the execute_reply, and the kernel's idle status for the request with the reply
  // in hand, which is when Kiln (and any client keeping outputs) knows the cell is over.
  function direct(): Promise<{ reply: number; done: number }> {
    const msgId = crypto.randomUUID();
    const s = performance.now();
    let reply = 0;
    let idle = false;
    return new Promise((resolve) => {
      const on = (d: WebSocket.RawData) => {
        const m = JSON.parse(String(d));
        if (m.parent_header?.msg_id !== msgId) return;
        if (m.header?.msg_type === "execute_reply") reply = performance.now() - s;
        if (m.header?.msg_type === "status" && m.content?.execution_state === "idle") idle = true;
        if (reply && idle) {
          ws.off("message", on);
          resolve({ reply, done: performance.now() - s });
        }
      };
      ws.on("message", on);
      ws.send(JSON.stringify({
        header: { msg_id: msgId, msg_type: "execute_request", session, username: "bench", date: new Date().toISOString(), version: "5.3" },
        parent_header: {}, metadata: {}, channel: "shell",
        content: { code: "pass", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      }));
    });
  }
  // Interleaved, one of each per round, so the machine's noise falls on both alike.
  for (let i = 0; i < 20; i++) (await viaChannel(), await direct());
  const channel: number[] = [];
  const straight: number[] = [];
  const straightDone: number[] = [];
  for (let i = 0; i < N; i++) {
    channel.push(await viaChannel());
    const t = await direct();
    straight.push(t.reply);
    straightDone.push(t.done);
  }
  ch.close();
  // The REST path (API clients): POST execute, the end on the event stream.
  ev = await subscribeEvents(`${k.url}/api/notebooks/${nb.id}/events`, token);
  for (let i = 0; i < 20; i++) await viaKiln();
  const kiln: number[] = [];
  for (let i = 0; i < N; i++) kiln.push(await viaKiln());
  ws.close();
  ev.close();
  await fetch(`${k.url}/hub/api/users/capture/server`, { method: "DELETE", headers: auth });

  const report = {
    benchmark: `${N} sequential \`pass\` executions through Kiln (recorded) vs a direct kernel WebSocket`,
    direct_to_reply_ms: { p50: +pct(straight, 0.5).toFixed(2), p95: +pct(straight, 0.95).toFixed(2) },
    direct_to_idle_ms: { p50: +pct(straightDone, 0.5).toFixed(2), p95: +pct(straightDone, 0.95).toFixed(2) },
    channel_ms: { p50: +pct(channel, 0.5).toFixed(2), p95: +pct(channel, 0.95).toFixed(2) },
    ratio_p50: +(pct(channel, 0.5) / pct(straightDone, 0.5)).toFixed(3),
    ratio_p50_vs_reply: +(pct(channel, 0.5) / pct(straight, 0.5)).toFixed(3),
    target_ratio: 1.1,
    rest_api_ms: { p50: +pct(kiln, 0.5).toFixed(2), p95: +pct(kiln, 0.95).toFixed(2) },
    rest_ratio_p50: +(pct(kiln, 0.5) / pct(straight, 0.5)).toFixed(3),
    of_which_post_execute_ms: { p50: +pct(postMs, 0.5).toFixed(2) },
  };
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "notebook-capture.json"), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
} finally {
  await k.stop();
}
