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
import { adminToken, ROOT, startServer } from "./kiln-process";
import { openEvents } from "../tests/helpers/sse";

setTimeout(() => {
  process.stderr.write("bench/notebook-capture.ts: gave up after 5 minutes\n");
  process.exit(1);
}, 5 * 60_000).unref();

const N = Number(process.argv[process.argv.indexOf("--n") + 1] || 300) || 300;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const admin = adminToken();
const h = { authorization: `token ${admin}`, "content-type": "application/json" };
const k = await startServer(43000 + Math.floor(Math.random() * 1000), { KILN_ADMIN_TOKEN: admin });
try {
  await fetch(`${k.url}/hub/api/users/capture`, { method: "POST", headers: h });
  const { token } = (await (await fetch(`${k.url}/hub/api/users/capture/tokens`, { method: "POST", headers: h, body: "{}" })).json()) as { token: string };
  const auth = { authorization: `token ${token}`, "content-type": "application/json" };
  if ((await fetch(`${k.url}/hub/api/users/capture/server`, { method: "POST", headers: auth, body: "{}" })).status !== 201) throw new Error("server did not start");
  const nb = (await (await fetch(`${k.url}/api/notebooks`, { method: "POST", headers: auth, body: JSON.stringify({ name: "bench" }) })).json()) as { id: number };
  const ev = openEvents(`${k.url}/api/notebooks/${nb.id}/events`, token);

  const postMs: number[] = [];
  async function viaKiln() {
    const s = performance.now();
    const r = (await (await fetch(`${k.url}/api/notebooks/${nb.id}/execute`, { method: "POST", headers: auth, body: JSON.stringify({ cell_id: "c", code: "pass" }) })).json()) as { id: number };
    postMs.push(performance.now() - s);
    await ev.until((d) => d.type === "execution" && d.execution_id === r.id && d.status === "ok", 10_000);
    return performance.now() - s;
  }
  for (let i = 0; i < 20; i++) await viaKiln();
  const kiln: number[] = [];
  for (let i = 0; i < N; i++) kiln.push(await viaKiln());
  const kernelId = ((await (await fetch(`${k.url}/api/notebooks/${nb.id}/kernel`, { headers: auth })).json()) as { kernel_id: string }).kernel_id;

  // The same kernel, straight to its Jupyter Server.
  const info = await new Docker().getContainer("kiln-capture").inspect();
  const port = /--ServerApp.port=(\d+)/.exec(info.Config.Cmd.join(" "))![1];
  const jtoken = info.Config.Env.find((e) => e.startsWith("JUPYTER_TOKEN="))!.split("=")[1]!;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/user/capture/api/kernels/${kernelId}/channels?session_id=${crypto.randomUUID()}`, { headers: { authorization: `token ${jtoken}` } });
  await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
  const session = crypto.randomUUID();
  function direct(): Promise<number> {
    const msgId = crypto.randomUUID();
    const s = performance.now();
    return new Promise((resolve) => {
      const on = (d: WebSocket.RawData) => {
        const m = JSON.parse(String(d));
        if (m.header?.msg_type === "execute_reply" && m.parent_header?.msg_id === msgId) {
          ws.off("message", on);
          resolve(performance.now() - s);
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
  for (let i = 0; i < 20; i++) await direct();
  const straight: number[] = [];
  for (let i = 0; i < N; i++) straight.push(await direct());
  ws.close();
  ev.close();
  await fetch(`${k.url}/hub/api/users/capture/server`, { method: "DELETE", headers: auth });

  const report = {
    benchmark: `${N} sequential \`pass\` executions: Kiln's notebook API (POST execute -> event stream, recorded) vs a direct kernel WebSocket`,
    direct_ms: { p50: +pct(straight, 0.5).toFixed(2), p95: +pct(straight, 0.95).toFixed(2) },
    through_kiln_ms: { p50: +pct(kiln, 0.5).toFixed(2), p95: +pct(kiln, 0.95).toFixed(2) },
    ratio_p50: +(pct(kiln, 0.5) / pct(straight, 0.5)).toFixed(3),
    of_which_post_execute_ms: { p50: +pct(postMs, 0.5).toFixed(2) },
  };
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "notebook-capture.json"), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
} finally {
  await k.stop();
}
