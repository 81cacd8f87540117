/**
 * One of Kiln's serving processes (started by lib/serving/process/parent.ts): served model
 * requests and nothing else, on an event loop of its own, so a flood of them does not hold
 * up the notebooks' channels in the main process. It accepts on Kiln's port (shared with
 * the other serving processes): a connection that does not open with a model request goes
 * whole to the main process; on one it keeps, a later request that is not a model's (a
 * browser reusing it for a page) is forwarded to the main process. It also takes whole
 * connections the main process accepted, model requests forwarded on its private socket,
 * and KILN_SERVING_PORT's connections, where anything but a model request is a 404.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { getConfig } from "../../config";
import { logger } from "../../log";
import { metrics, SERVING_METRICS } from "../../metrics";
import { userOriginOf } from "../../proxy/user-origin";
import { isServingPath, serveModelRequest } from "../http";
import { knownEndpoints, type LiveEndpoint, putEndpoint, type Route, setEndpointSource } from "../live";
import { flushSamples } from "../sample-log";
import { releaseUnrouted, warmRoute } from "../serve";
import { endpointStats } from "../stats";
import { forwardRequest, forwardUpgrade } from "./forward";
import { deliver, ownHandling, sorter } from "./sniff";
import { LISTEN, LISTENING, type PortName } from "./shared-port";
import { connectRpc } from "./rpc";

// KILN_SERVING_NICE (default 10), set before any thread starts (libuv's threads inherit
// it): when the cores are short, the notebooks' channels in the main process come first.
// Measured by bench/serving.ts on 2 cores: the channel's round trip under serving load was
// 1.18-1.37x its idle figure at niceness 10, 1.33-1.51x at 0 (the process boundary alone).
const niceness = getConfig().servingNice;
if (niceness > 0) {
  try {
    os.setPriority(niceness);
  } catch (e) {
    logger().warn({ err: e }, "serving: could not lower the serving process's priority");
  }
}

const dir = process.env.KILN_SERVING_DIR;
const socketPath = process.env.KILN_SERVING_SOCKET;
if (!dir || !socketPath || !process.send) throw new Error("the serving process is started by Kiln (lib/serving/process/parent.ts)");
const kilnSocket = path.join(dir, "kiln.sock");

/** The URL's path (no array made per request: split showed in the serving profile). */
function pathOf(url = "/"): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

const server = http.createServer((req, res) => {
  const p = pathOf(req.url);
  if (isServingPath(p) && userOriginOf(req) === undefined) return void serveModelRequest(req, res, p);
  forwardRequest(kilnSocket, req, res, "Kiln");
});
server.on("upgrade", (req, socket, head) => forwardUpgrade(kilnSocket, req, socket, head));
server.keepAliveTimeout = 65_000;

// KILN_SERVING_PORT's connections (its listening socket is shared by every serving process): models only.
const modelsOnly = http.createServer((req, res) => {
  const p = pathOf(req.url);
  if (isServingPath(p)) return void serveModelRequest(req, res, p);
  const body = JSON.stringify({ error: { code: "not_found", message: `this port serves models only (/serve/{name}/predict, /v2/...); Kiln is on port ${getConfig().port}` } });
  res.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
});
modelsOnly.keepAliveTimeout = 65_000;

const rpc = connectRpc(process, {
  routing: (arg) => {
    const { name, value } = arg as { name: string; value: LiveEndpoint | null };
    putEndpoint(name, value);
  },
  warm: (arg) => {
    const { endpoint, route } = arg as { endpoint: { id: number; modelName: string; maxBatch: number; maxWaitMs: number }; route: Pick<Route, "version" | "signature"> };
    return warmRoute(endpoint, route);
  },
  stats: (name) => endpointStats(String(name)),
  // as objects: the main process sums every serving process's (prom-client's AggregatorRegistry)
  metrics: async () => (await metrics().registry.getMetricsAsJSON()).filter((m) => SERVING_METRICS.includes(m.name)),
  flushSamples: () => flushSamples(),
  unlisten: () => unlisten(),
  stop: async () => {
    server.close();
    unlisten();
    server.closeIdleConnections();
    modelsOnly.closeIdleConnections();
    await flushSamples().catch((e) => logger().warn({ err: e }, "serving: could not keep the last sampled requests"));
    setTimeout(() => process.exit(0), 1000).unref(); // answers in flight get a second
    server.on("close", () => process.exit(0));
  },
});
setEndpointSource((name) => rpc.call<LiveEndpoint | null>("endpoint", name));

// Versions no endpoint routes to any more give their memory back once idle a while.
const unloadAfterMs = getConfig().servingUnloadAfter * 1000;
setInterval(() => {
  knownEndpoints()
    .then((routed) => releaseUnrouted(routed, unloadAfterMs))
    .then((n) => n && logger().info({ versions: n }, "serving: unloaded model versions no endpoint routes to"))
    .catch((e) => logger().warn({ err: e }, "serving: could not unload unrouted versions"));
}, Math.min(30_000, unloadAfterMs)).unref();

// A connection from the main process, with the bytes it read to know what it was.
const own = ownHandling(server);
const ownModelsOnly = ownHandling(modelsOnly);
/** Kiln's port: a connection that does not open with a model request is the main process's, whole. */
const sortKilnPort = sorter(
  (socket, head) => (deliver(own, socket, head), true),
  (socket, head) => process.send!({ kiln: "connection", head: head.toString("base64") }, socket, (err: Error | null) => err && socket.destroy()),
);
/** The shared listening sockets this process accepts on (parent.ts, shared-port.ts). */
const listeners: net.Server[] = [];
function listenOn(name: PortName, handle: net.Server) {
  const listener = net.createServer({ pauseOnConnect: true }, name === "kiln" ? sortKilnPort : (socket) => deliver(ownModelsOnly, socket, Buffer.alloc(0)));
  listeners.push(listener);
  // its copy goes back: the main process keeps the socket open with it, accepting nothing
  listener.listen(handle, () => process.send!({ kiln: LISTENING, port: name }, (listener as unknown as { _handle: net.Server })._handle));
}
function unlisten() {
  for (const listener of listeners.splice(0)) listener.close();
}
process.on("message", (m: { kiln?: string; head?: string; modelsOnly?: boolean; port?: PortName }, handle?: net.Socket | net.Server) => {
  if (m?.kiln === "connection" && handle) deliver(m.modelsOnly ? ownModelsOnly : own, handle as net.Socket, Buffer.from(m.head ?? "", "base64"));
  else if (m?.kiln === LISTEN && handle && (m.port === "kiln" || m.port === "models")) listenOn(m.port, handle as net.Server);
});
process.on("disconnect", () => process.exit(0)); // Kiln went away: so does its serving process

fs.rmSync(socketPath, { force: true }); // left by a serving process that was killed
server.listen(socketPath, () => rpc.push("ready"));
