/**
 * One of Kiln's serving processes (started by lib/serving/process/parent.ts): served model
 * requests and nothing else, on an event loop of its own, so a flood of them does not hold
 * up the notebooks' channels in the main process. It takes whole connections from the main
 * process, and model requests forwarded on its private socket; anything else that arrives
 * on a connection it took from Kiln's port (a browser reusing it for a page) goes back to
 * the main process, and on one from KILN_SERVING_PORT is a 404.
 */
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
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
import { deliver, ownHandling } from "./sniff";
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

const server = http.createServer((req, res) => {
  const p = (req.url ?? "/").split("?")[0]!;
  if (isServingPath(p) && userOriginOf(req) === undefined) return void serveModelRequest(req, res, p);
  forwardRequest(kilnSocket, req, res, "Kiln");
});
server.on("upgrade", (req, socket, head) => forwardUpgrade(kilnSocket, req, socket, head));
server.keepAliveTimeout = 65_000;

// KILN_SERVING_PORT's connections (its listening socket is shared by every serving process): models only.
const modelsOnly = http.createServer((req, res) => {
  const p = (req.url ?? "/").split("?")[0]!;
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
  stop: async () => {
    server.close();
    shared?.close();
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
/** KILN_SERVING_PORT's listening socket, shared with the other serving processes: each accepts its own. */
let shared: net.Server | null = null;
process.on("message", (m: { kiln?: string; head?: string; modelsOnly?: boolean }, handle?: net.Socket | net.Server) => {
  if (m?.kiln === "connection" && handle) deliver(m.modelsOnly ? ownModelsOnly : own, handle as net.Socket, Buffer.from(m.head ?? "", "base64"));
  else if (m?.kiln === "listen" && handle) {
    shared = handle as net.Server;
    shared.on("connection", (socket) => modelsOnly.emit("connection", socket));
  } else if (m?.kiln === "lend" && shared) process.send!({ kiln: "listener" }, shared); // for a serving process started again
});
process.on("disconnect", () => process.exit(0)); // Kiln went away: so does its serving process

fs.rmSync(socketPath, { force: true }); // left by a serving process that was killed
server.listen(socketPath, () => rpc.push("ready"));
