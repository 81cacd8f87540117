import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import type http from "node:http";
import type net from "node:net";
import path from "node:path";
import client from "prom-client";
import { getConfig } from "../../config";
import { logger } from "../../log";
import { metrics, SERVING_METRICS } from "../../metrics";
import { type LiveEndpoint, loadEndpoint, onEndpointChange, type Route } from "../live";
import { type EndpointStats, sumStats } from "../stats";
import { forwardRequest } from "./forward";
import { connectRpc, type Rpc } from "./rpc";
import { makePrivateDir } from "./private-dir";
import { LISTENING, type PortName, SharedPort } from "./shared-port";
import { deliver, ownHandling, sorter } from "./sniff";

/**
 * Kiln's serving processes, seen from the main process. Served models answer in processes
 * of their own (lib/serving/process/child.ts; KILN_SERVING_NICE lowers their CPU priority):
 * a flood of model requests then cannot starve the notebooks' channels, and nothing the
 * main process does (PGlite's queries run on its event loop) holds up a model request.
 * There are KILN_SERVING_PROCESSES of them: one process is one event loop, and HTTP + JSON,
 * not the model, is what a served request costs, so more cores answer more requests. By
 * default one per core but one (left to the main process and the notebooks), 1 to 4: on
 * this project's 2-core machines a second one measured no better (each batches half the
 * requests, and the load client takes a core; ARCHITECTURE.md has the figures).
 *
 * Kiln's port and KILN_SERVING_PORT are opened here and their listening sockets shared with
 * the serving processes (shared-port.ts): each accepts its own connections, so a model
 * client's connections never pass through this process. On Kiln's port a serving process
 * sorts each new connection by its first request line (sniff.ts) and hands the ones that
 * are not model requests (browsers, API clients) to this process whole, with the bytes it
 * read. The odd model request on a connection this process owns is forwarded to a serving
 * process over a private socket, and so is anything else that arrives on a connection a
 * serving process keeps, the other way. While no serving process is up, this process
 * accepts itself and hands model connections over whole, to each process in turn.
 *
 * The serving processes read no database: routing comes from here (on demand, and pushed
 * to all of them the moment this process changes it), model files from the blob store on
 * disk. Each batches its own requests and counts its own; /metrics and the endpoint page
 * read the sum.
 */
const KEY = Symbol.for("kiln.servingProcess");
type G = typeof globalThis & { [KEY]?: ServingProcesses };
export const servingProcess = (): ServingProcesses => ((globalThis as G)[KEY] ??= new ServingProcesses());

const CHILD = new URL("./child.ts", import.meta.url);

interface Worker {
  index: number;
  child: ChildProcess | null;
  rpc: Rpc | null;
  ready: boolean;
  /** Where it takes forwarded model requests. */
  socket: string;
}
type Live = Worker & { child: ChildProcess; rpc: Rpc };
/** Up: it said it is ready and its IPC channel is open. */
const isLive = (w: Worker): w is Live => w.ready && !!w.rpc && !!w.child?.connected;

class ServingProcesses {
  private workers: Worker[] = [];
  private turn = 0;
  private stopping = false;
  private dir = "";
  private back: http.Server | null = null;
  /** Kiln's port and KILN_SERVING_PORT, shared with the serving processes. */
  private readonly ports = new Map<PortName, SharedPort>();
  /** Kiln's HTTP server's handling of a connection (with the bytes already read from it). */
  private toKiln: ((socket: net.Socket, head: Buffer) => void) | null = null;

  /** Where this process takes what reached a serving process but is not a model request. */
  get kilnSocket() {
    return path.join(this.dir, "kiln.sock");
  }

  /** Starts them; `back` is the HTTP server (Kiln's handlers) that answers what they forward here. */
  async start(back: http.Server): Promise<void> {
    this.dir = makePrivateDir();
    // Kiln stopped at start-up (a port it cannot have) exits with no stop(): its sockets' folder goes too.
    const dir = this.dir;
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    this.back = back;
    // counted there: this process's empty copies would repeat their names in /metrics
    for (const name of SERVING_METRICS) metrics().registry.removeSingleMetric(name);
    await new Promise<void>((resolve, reject) => back.once("error", reject).listen(this.kilnSocket, () => resolve()));
    onEndpointChange(async (name, value) => {
      await this.each((w) => w.rpc.call("routing", { name, value }).catch(() => undefined)); // a restarting one reads it afresh
    });
    this.workers = Array.from({ length: getConfig().servingProcesses }, (_, index) => ({ index, child: null, rpc: null, ready: false, socket: path.join(this.dir, `serving-${index}.sock`) }));
    await Promise.all(this.workers.map((w) => this.spawn(w)));
    const port = getConfig().servingPort;
    // Models only, on a port of their own: what this process accepts goes whole to a serving process, unread.
    if (port !== undefined) await this.share(new SharedPort("models", "KILN_SERVING_PORT", (socket) => this.takeModelsOnly(socket)), port);
  }

  /**
   * Opens Kiln's own port (a port that cannot be had rejects, naming it) and shares it with
   * the serving processes. `kiln` (Kiln's HTTP server) takes the connections a serving
   * process hands here and those this process accepts and sorts itself.
   */
  async openKilnPort(port: number, kiln: http.Server): Promise<void> {
    // It listens too, on a socket in this private folder that nobody connects to: Node's HTTP
    // server tracks its connections' header and request timeouts only while it listens.
    await new Promise<void>((resolve, reject) => {
      kiln.once("error", reject).listen(path.join(this.dir, "kiln-port.sock"), () => (kiln.off("error", reject), resolve()));
    });
    const own = ownHandling(kiln);
    this.toKiln = (socket, head) => deliver(own, socket, head);
    await this.share(new SharedPort("kiln", "PORT", sorter((socket, head) => this.handOff(socket, head), this.toKiln)), port);
  }

  private async share(shared: SharedPort, port: number): Promise<void> {
    await shared.open(port, getConfig().bind);
    this.ports.set(shared.name, shared);
    for (const w of this.live()) shared.give(w);
  }

  /** Stops taking new connections on the shared ports, here and in every serving process (shutting down). */
  closePorts(): void {
    for (const shared of this.ports.values()) shared.close();
    for (const w of this.live()) w.rpc.push("unlisten");
  }

  private spawn(w: Worker): Promise<void> {
    return new Promise((resolve) => {
      const execArgv = process.execArgv.filter((a) => !/^--(inspect|cpu-prof|heap-prof)/.test(a));
      const child = fork(CHILD, [], { execArgv, env: { ...process.env, KILN_SERVING_DIR: this.dir, KILN_SERVING_SOCKET: w.socket }, stdio: "inherit" });
      w.child = child;
      w.rpc = connectRpc(child, {
        endpoint: (name) => loadEndpoint(String(name)),
        ready: () => {
          w.ready = true;
          for (const shared of this.ports.values()) shared.give(w as Live); // one started again after another stopped
          resolve();
        },
      });
      child.on("message", (m: { kiln?: string; port?: PortName; head?: string }, handle?: unknown) => {
        if (m?.kiln === LISTENING && handle) this.ports.get(m.port!)?.taken(w as Live, handle as { close(): void });
        // a connection on Kiln's port that is not a model request: Kiln's, whole
        else if (m?.kiln === "connection" && handle) {
          const socket = handle as net.Socket;
          if (this.toKiln) this.toKiln(socket, Buffer.from(m.head ?? "", "base64"));
          else socket.destroy();
        }
      });
      child.on("exit", (code, signal) => {
        if (w.child !== child) return;
        w.ready = false;
        for (const shared of this.ports.values()) shared.lost(w as Live);
        w.child = null;
        w.rpc?.fail(`the serving process stopped (${signal ?? code})`);
        if (this.stopping) return resolve();
        logger().error({ code, signal, process: w.index }, "serving: the serving process stopped; starting another");
        setTimeout(() => this.spawn(w).catch((e) => logger().error({ err: e }, "serving: no serving process any more")), 1000).unref();
        resolve();
      });
    });
  }

  private takeModelsOnly(socket: net.Socket) {
    if (!this.handOff(socket, Buffer.alloc(0), true)) socket.destroy(); // none up: the client retries
  }

  private live(): Live[] {
    return this.workers.filter(isLive);
  }

  private each<T>(fn: (w: Live) => Promise<T>): Promise<T[]> {
    return Promise.all(this.live().map(fn));
  }

  /** The next serving process that is up, in turn. */
  private pick(): Live | null {
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[this.turn++ % this.workers.length]!;
      if (isLive(w)) return w;
    }
    return null;
  }

  /**
   * A connection this process accepted (no serving process had the port yet, or none was
   * up) that opened with a model request (its first bytes in `head`), or one on
   * KILN_SERVING_PORT (`modelsOnly`): a serving process's from here (false: none is up).
   */
  handOff(socket: net.Socket, head: Buffer, modelsOnly = false): boolean {
    const w = this.pick();
    if (!w) return false;
    metrics().servingConnections.inc();
    w.child.send({ kiln: "connection", head: head.toString("base64"), modelsOnly }, socket, (err) => {
      if (err) socket.destroy(); // it went away meanwhile: the client reconnects
    });
    return true;
  }

  /** A model request that came on a connection of this process's. */
  forward(req: http.IncomingMessage, res: http.ServerResponse) {
    const w = this.pick() ?? this.workers[0];
    forwardRequest(w?.socket ?? path.join(this.dir, "none.sock"), req, res, "the serving process");
  }

  /** Loads a version in every serving process before traffic moves to it. */
  async warm(endpoint: Pick<LiveEndpoint, "id" | "modelName" | "maxBatch" | "maxWaitMs">, route: Pick<Route, "version" | "signature">): Promise<void> {
    const { id, modelName, maxBatch, maxWaitMs } = endpoint;
    const arg = { endpoint: { id, modelName, maxBatch, maxWaitMs }, route: { version: { id: route.version.id, version: route.version.version, chunks: route.version.chunks, size: route.version.size }, signature: route.signature } };
    await this.each((w) => w.rpc.call("warm", arg)); // none up (yet): each one's first request loads it
  }

  /** An endpoint's counters, summed over the serving processes (one starting again has counted nothing yet). */
  async stats(name: string): Promise<EndpointStats> {
    const each = await this.each((w) => w.rpc.call<EndpointStats>("stats", name).catch(() => null));
    return sumStats(name, each.filter((s): s is EndpointStats => s !== null));
  }

  /** The serving metrics in Prometheus's text format, summed over the processes that count them. */
  async metricsText(): Promise<string> {
    const each = (await this.each((w) => w.rpc.call<object[]>("metrics").catch(() => null))).filter((m): m is object[] => m !== null);
    return each.length ? client.AggregatorRegistry.aggregate(each).metrics() : "";
  }

  async flushSamples(): Promise<void> {
    await this.each((w) => w.rpc.call("flushSamples"));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const shared of this.ports.values()) shared.close();
    await Promise.all(
      this.workers.map(async (w) => {
        const child = w.child;
        if (!child?.connected) return;
        const gone = new Promise((r) => child.once("exit", r));
        w.rpc?.push("stop"); // it stops taking connections, answers what it has, keeps its samples
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        child.kill("SIGKILL");
      }),
    );
    this.back?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
