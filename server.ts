/**
 * Kiln's custom server: Next's request handler plus WebSocket upgrades (kernel and
 * terminal sockets are routed here by later features). It validates configuration,
 * opens and migrates the database, then serves.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { WebSocketServer } from "ws";
import { loadSessionSecret } from "./lib/auth/session-secret";
import { ConfigError, getConfig } from "./lib/config";
import { closeDatabase, getDatabase } from "./lib/db";
import { logger } from "./lib/log";
import { isApiPath, routeApi } from "./lib/api/router";
import { isServingPath } from "./lib/serving/http";
import { startSampleCommits } from "./lib/serving/samples";
import { servingProcess } from "./lib/serving/process/parent";
import { PortUnavailableError } from "./lib/serving/process/shared-port";
import { ownHandling } from "./lib/serving/process/sniff";
import { clientAddress, trustPeerHeader } from "./lib/http/client-address";
import { refuseLargePageBody, sendWebResponse, toWebRequest } from "./lib/http/node-adapter";
import { setSecurityHeaders } from "./lib/http/page-headers";
import { seedImages } from "./lib/images/seed";
import { prebuildDefaultImage } from "./lib/images/prebuild";
import { localExposureProblem } from "./lib/servers/isolation";
import { readSettings } from "./lib/settings";
import { checkRunRoot } from "./lib/spawners/run-dirs";
import { secureDataDir } from "./lib/system/data-dir";
import { loadDeploymentId } from "./lib/system/deployment-id";
import { attachKernelApi, tagKernelApiRequest } from "./lib/kernel-api/sockets";
import { proxyHttp, proxyUpgrade } from "./lib/proxy/forward";
import { userOriginConfig, userOriginOf } from "./lib/proxy/user-origin";
import { AUTHORIZE_PATH, authorizeUserOrigin, serveUserOrigin, userOriginPort } from "./lib/proxy/user-origin-routes";
import { startServerWatch } from "./lib/servers/watch";
import { startPipelines } from "./lib/pipelines/runs/service";
import { startSweeps } from "./lib/sweeps/service";
import { startWarmPool } from "./lib/servers/pool";
import { syncGpuInventory } from "./lib/gpus/inventory";
import { listenForGpuEvents } from "./lib/gpus/listen";
import { listenForProgress } from "./lib/servers/progress-relay";
import { chooseDefaultSpawner } from "./lib/spawners/registry";
import { acceptNotebookChannel, isChannelPath } from "./lib/notebook-sessions/channel";
import { settleAllNotebooks, suspendAllSessions } from "./lib/notebook-sessions/sessions";
import { notebookRound } from "./lib/notebook-sessions/owner";
import { notebookIdOf, routeNotebookRequest, routeNotebookUpgrade } from "./lib/notebook-sessions/route";
import { startLeaseKeeper } from "./lib/cluster/keeper";
import { endStartsInFlight } from "./lib/servers/spawns-in-flight";

/** A start-up problem Kiln can name (its configuration, a port it cannot have) stops it with that one line, status 2. */
function stopIfNamed(e: unknown): never {
  if (e instanceof ConfigError || e instanceof PortUnavailableError) {
    process.stderr.write(`kiln: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

async function main() {
  let config;
  try {
    config = getConfig();
    const runRoot = checkRunRoot(path.join(config.dataDir, "run"));
    if (runRoot) throw new ConfigError([{ variable: "KILN_DATA_DIR", message: runRoot }]);
  } catch (e) {
    stopIfNamed(e);
  }
  const log = logger();
  const dev = process.argv.includes("--dev");
  // next-auth builds its callback URLs from NEXTAUTH_URL when set; without KILN_PUBLIC_URL
  // it follows the Host the browser used (localhost, 127.0.0.1 or a LAN name alike).
  if (config.publicUrlSet) process.env.NEXTAUTH_URL = config.publicUrl;
  else process.env.AUTH_TRUST_HOST ??= "true";

  // The database and Next start side by side: each takes about a second.
  const app = next({ dev, dir: process.cwd(), hostname: config.bind, port: config.port });
  const [database] = await Promise.all([getDatabase().catch(stopIfNamed), app.prepare()]); // a data directory in use is named
  fs.mkdirSync(path.join(config.dataDir, "blobs"), { recursive: true });
  secureDataDir(config.dataDir); // user code never reads Kiln's database, blobs or keys
  await loadSessionSecret(database.db);
  await loadDeploymentId(database.db); // in container and volume names: see lib/system/deployment-id.ts
  await seedImages(database.db);
  const spawnerKind = await chooseDefaultSpawner();
  const exposure = localExposureProblem((await readSettings(database.db)).signup);
  if (exposure) {
    process.stderr.write(`kiln: ${exposure}\n`);
    process.exit(2);
  }
  if (spawnerKind === "docker") await prebuildDefaultImage(database.db);
  // Renews every lease this process holds (servers starting, the warm pool, notebooks) and
  // looks for cells a replica that died left running, every two seconds.
  const leaseKeeper = startLeaseKeeper(database.db, () => notebookRound(database.db));
  const watch = await startServerWatch(database.db);
  await syncGpuInventory(database.db); // after the servers are re-adopted: their GPUs stay theirs
  await listenForGpuEvents(database); // grants by other Kiln processes wake this one's waiters
  await listenForProgress(database); // servers other replicas start: their progress reaches this one's streams
  // Cells a previous Kiln (or a replica that died) left running resume here (their kernels kept
  // going); from then on, every two seconds, leases are renewed and orphans looked for again.
  await notebookRound(database.db);
  const pool = await startWarmPool(database.db);
  const pipelineWork = await startPipelines(database); // steps, their leases, cron ticks, data triggers
  const sweepWork = startSweeps(database); // sweep controllers, one Kiln per sweep by lease
  const samples = startSampleCommits(); // served requests kept per endpoint become a dataset version per day
  log.info({ backend: database.kind }, "database ready");
  const handle = app.getRequestHandler();
  const upgradeNext = dev ? app.getUpgradeHandler() : null;
  const wss = new WebSocketServer({ noServer: true });

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // Served models are answered by the serving process (lib/serving/process/parent.ts): a
    // model request on a connection of this process's is passed to it; never from a
    // kernel's socket nor on the user origin.
    const servingPath = (req.url ?? "/").split("?")[0]!;
    if (isServingPath(servingPath) && tagKernelApiRequest(req) === undefined && userOriginOf(req) === undefined) return void servingProcess().forward(req, res);
    const started = performance.now();
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && /^[\w.-]{1,100}$/.test(incoming) ? incoming : crypto.randomUUID();
    req.headers["x-request-id"] = requestId;
    // Overwrite whatever the client sent: rate limits key on this.
    req.headers["x-kiln-client-ip"] = clientAddress(req);
    // This server speaks plain HTTP; a TLS-terminating proxy in front says otherwise.
    req.headers["x-forwarded-proto"] ??= "http";
    res.setHeader("x-request-id", requestId);
    res.on("finish", () => {
      const path = (req.url ?? "").split("?")[0]; // never log query strings: they may hold tokens
      if (path?.startsWith("/_next/")) return;
      log.info({ requestId, method: req.method, path, status: res.statusCode, ms: +(performance.now() - started).toFixed(1) }, "request");
    });
    const path = (req.url ?? "/").split("?")[0]!;
    // A container's kiln module, on the socket Kiln listens on for its server: API routes only.
    if (tagKernelApiRequest(req) !== undefined && !isApiPath(path)) return void res.writeHead(404).end();
    // KILN_USER_ORIGIN: user servers' own origin serves them and nothing else of Kiln's.
    const userOrigin = userOriginOf(req);
    if (userOrigin !== undefined) return void serveUserOrigin(req, res, userOrigin, path).catch((e) => fail(e, requestId, res));
    if (path === AUTHORIZE_PATH) return void authorizeUserOrigin(req, res).catch((e) => fail(e, requestId, res));
    if (!path.startsWith("/user/")) setSecurityHeaders(req, res, isApiPath(path) ? "api" : "page", dev);
    if (!path.startsWith("/user/") && !isApiPath(path) && refuseLargePageBody(req, res)) return;
    const api = () => routeApi(toWebRequest(req, `http://${req.headers.host ?? "localhost"}`), path).then((r) => sendWebResponse(res, r));
    const served = path.startsWith("/user/")
      ? proxyHttp(req, res)
      : isApiPath(path)
        ? notebookIdOf(path) === null ? api() : routeNotebookRequest(req, res, path).then((forwarded) => (forwarded ? undefined : api())) // to the replica holding the notebook
        : handle(req, res);
    served.catch((e) => fail(e, requestId, res));
  };
  const fail = (e: unknown, requestId: string, res: http.ServerResponse) => {
    log.error({ err: e, requestId }, "request failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "internal", message: "Internal server error" } }));
  };

  // Kiln's port is opened and accepted on by the serving processes (lib/serving/process/parent.ts):
  // connections that open with a model request stay there, the others come to this server whole.
  const server = http.createServer(onRequest);
  const toServer = ownHandling(server);
  attachKernelApi(toServer); // kernels' code reaches Kiln's API only, never the served models
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (tagKernelApiRequest(req) !== undefined) return void socket.destroy(); // no WebSockets for kernels' code
    const userOrigin = userOriginOf(req);
    if (userOrigin !== undefined) {
      if (req.url?.startsWith("/user/")) return void proxyUpgrade(req, socket, head, userOrigin).catch(() => socket.destroy());
      return void socket.destroy();
    }
    if (upgradeNext && req.url?.startsWith("/_next/")) return void upgradeNext(req, socket, head);
    if (req.url?.startsWith("/user/")) return void proxyUpgrade(req, socket, head).catch(() => socket.destroy());
    const wsPath = (req.url ?? "").split("?")[0]!;
    if (isChannelPath(wsPath))
      return void routeNotebookUpgrade(req, socket, head, wsPath)
        .then((forwarded) => (forwarded ? undefined : acceptNotebookChannel(req, socket, head, wss)))
        .catch(() => socket.destroy());
    // Anything else: refuse cleanly instead of leaving the socket hanging.
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(1008, "no such WebSocket endpoint"));
  };
  server.on("upgrade", onUpgrade);
  // What reached the serving process but is not a model request comes back here, on its private socket.
  const fromServing = http.createServer(onRequest).on("upgrade", onUpgrade).on("connection", trustPeerHeader);
  // a port that cannot be had (Kiln's own, KILN_SERVING_PORT) stops Kiln here, naming it
  await servingProcess().start(fromServing).catch(stopIfNamed);

  server.keepAliveTimeout = 65_000;
  await servingProcess().openKilnPort(config.port, server).catch(stopIfNamed);
  // The user origin on a port of its own (KILN_USER_ORIGIN=http://127.0.0.1:3001): the same handlers.
  const extraPort = userOriginPort(userOriginConfig());
  const userServer = extraPort ? http.createServer(onRequest).on("upgrade", onUpgrade) : null;
  if (userServer) await new Promise<void>((resolve) => userServer.listen(extraPort!, config.bind, resolve));
  const where = `http://${config.bind === "0.0.0.0" || config.bind === "127.0.0.1" ? "localhost" : config.bind}:${config.port}`;
  log.info({ url: where, backend: database.kind, spawner: spawnerKind }, "kiln listening");
  process.stdout.write(`\nKiln is up: open ${where}/signin (first account to sign up at ${where}/signup becomes admin)\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    watch.stop();
    samples.stop();
    sweepWork.stop();
    await pipelineWork.stop(); // running steps' rows stop heartbeating: the next Kiln takes them over
    // Servers still starting are ended and cleaned up by their spawners: none is left running unnamed.
    await endStartsInFlight().catch((e) => log.warn({ err: e }, "could not end the starts in flight"));
    servingProcess().closePorts(); // no new connections from here
    const closed = new Promise((r) => server.close(r));
    userServer?.close();
    userServer?.closeAllConnections();
    server.closeIdleConnections();
    // What running cells printed so far is stored before anything else goes; their kernels
    // run on, and the next Kiln resumes them (lib/execution/recover.ts).
    await suspendAllSessions().catch((e) => log.warn({ err: e }, "could not suspend the kernel sessions"));
    await settleAllNotebooks().catch((e) => log.warn({ err: e }, "could not write the last outputs"));
    await leaseKeeper.stop().catch((e) => log.warn({ err: e }, "could not give the leases back")); // successors need not wait for them to expire
    await servingProcess().stop().catch((e) => log.warn({ err: e }, "could not stop the serving process")); // it keeps its last samples
    await pool?.close().catch((e) => log.warn({ err: e }, "warm pool: close failed"));
    server.closeAllConnections(); // event streams and keep-alives: their clients reconnect to the next Kiln
    for (const ws of wss.clients) ws.terminate(); // notebook channels (upgraded sockets are not the server's any more)
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    await closeDatabase(); // PGlite flushes its files here
    log.info("kiln stopped cleanly");
    clearTimeout(force);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((e) => {
  logger().fatal({ err: e }, "kiln failed to start");
  process.exit(1);
});
