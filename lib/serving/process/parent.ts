import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import type http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import client from "prom-client";
import { getConfig } from "../../config";
import { logger } from "../../log";
import { metrics, SERVING_METRICS } from "../../metrics";
import { type LiveEndpoint, loadEndpoint, onEndpointChange, type Route } from "../live";
import { type EndpointStats, sumStats } from "../stats";
import { forwardRequest } from "./forward";
import { connectRpc, type Rpc } from "./rpc";

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
 * Connections that open with a model request are handed over whole (sniff.ts), to each
 * process in turn; the odd model request on a connection the main process owns is
 * forwarded over a private socket, and so is anything else that arrives on a handed-over
 * connection, the other way. KILN_SERVING_PORT's listening socket is shared with the
 * serving processes, and each accepts its own connections there: nothing passes through
 * this process (handing a connection over costs a round trip between the two event loops,
 * one connection at a time, and a burst of new connections stalled the models' answers for
 * up to 300 ms).
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
  /** It accepts KILN_SERVING_PORT's connections itself (shareListener). */
  listening: boolean;
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
  /** KILN_SERVING_PORT's listener while this process holds it (before it is shared, or while none can take it). */
  private modelsOnly: net.Server | null = null;
  private started = false;

  /** Where this process takes what reached a serving process but is not a model request. */
  get kilnSocket() {
    return path.join(this.dir, "kiln.sock");
  }

  /** Starts them; `back` is the HTTP server (Kiln's handlers) that answers what they forward here. */
  async start(back: http.Server): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-serving-")); // 0700: only Kiln's account reaches the sockets
    this.back = back;
    // counted there: this process's empty copies would repeat their names in /metrics
    for (const name of SERVING_METRICS) metrics().registry.removeSingleMetric(name);
    await new Promise<void>((resolve, reject) => back.once("error", reject).listen(this.kilnSocket, () => resolve()));
    onEndpointChange(async (name, value) => {
      await this.each((w) => w.rpc.call("routing", { name, value }).catch(() => undefined)); // a restarting one reads it afresh
    });
    this.workers = Array.from({ length: getConfig().servingProcesses }, (_, index) => ({ index, child: null, rpc: null, ready: false, socket: path.join(this.dir, `serving-${index}.sock`), listening: false }));
    await Promise.all(this.workers.map((w) => this.spawn(w)));
    const port = getConfig().servingPort;
    if (port !== undefined) await this.shareListener(await this.listenModelsOnly(port));
    this.started = true;
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
          // one started again after another stopped: it takes its share of KILN_SERVING_PORT
          if (this.started && getConfig().servingPort !== undefined) void this.passListener(w).catch((e) => logger().error({ err: e }, "serving: could not share KILN_SERVING_PORT with a new serving process"));
          resolve();
        },
      });
      child.on("exit", (code, signal) => {
        if (w.child !== child) return;
        w.ready = false;
        w.listening = false;
        w.child = null;
        w.rpc?.fail(`the serving process stopped (${signal ?? code})`);
        if (this.stopping) return resolve();
        logger().error({ code, signal, process: w.index }, "serving: the serving process stopped; starting another");
        setTimeout(() => this.spawn(w).catch((e) => logger().error({ err: e }, "serving: no serving process any more")), 1000).unref();
        resolve();
      });
    });
  }

  /**
   * Models only, on a port of their own. While this process holds the listener (until it is
   * shared), a connection it accepts goes whole to a serving process, unread.
   */
  private listenModelsOnly(port: number): Promise<net.Server> {
    const server = net.createServer({ pauseOnConnect: true }, (socket) => this.takeModelsOnly(socket));
    return new Promise((resolve, reject) => {
      server.once("error", (e) => {
        const why = `KILN_SERVING_PORT ${port}: ${e.message}`;
        process.stderr.write(`kiln: ${why}\n`);
        reject(new Error(why));
      });
      server.listen(port, getConfig().bind, () => resolve(server));
    });
  }

  private takeModelsOnly(socket: net.Socket) {
    if (!this.handOff(socket, Buffer.alloc(0), true)) socket.destroy(); // none up: the client retries
  }

  /**
   * Gives the listener to every serving process up that lacks it, then closes this process's
   * copy: the socket stays open in theirs, and the kernel hands each new connection to one of
   * them. With none up, this process keeps it (and hands connections over) until one is.
   */
  private async shareListener(server: net.Server): Promise<void> {
    const live = this.live();
    await Promise.all(live.filter((w) => !w.listening).map((w) => this.sendListener(w, server)));
    if (live.some((w) => w.listening)) server.close();
    else this.modelsOnly = server;
  }

  private sendListener(w: Live, server: net.Server): Promise<void> {
    return new Promise((resolve) => {
      w.child.send({ kiln: "listen" }, server, (err) => {
        if (!err) w.listening = true;
        resolve();
      });
    });
  }

  /**
   * A serving process started again: the listener comes from this process's copy, or is lent
   * by one that has it (passed on, and this process's copy closed), or, with none left, is
   * opened afresh.
   */
  private async passListener(w: Worker): Promise<void> {
    if (!isLive(w)) return;
    if (this.modelsOnly) {
      const held = this.modelsOnly;
      this.modelsOnly = null;
      return this.shareListener(held);
    }
    const lender = this.live().find((x) => x.listening);
    const server = lender ? await this.borrowListener(lender) : await this.listenModelsOnly(getConfig().servingPort!);
    if (server) return this.shareListener(server);
  }

  /** The listener, sent back by a serving process that has it; null if it went away meanwhile. */
  private borrowListener(lender: Live): Promise<net.Server | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), 5000);
      const onMessage = (m: { kiln?: string }, server?: net.Server) => {
        if (m?.kiln !== "listener" || !server) return;
        // held here a moment: what it accepts meanwhile is handed over
        server.on("connection", (socket) => (socket.pause(), this.takeModelsOnly(socket))); // unread, as pauseOnConnect leaves them
        done(server);
      };
      const done = (server: net.Server | null) => {
        clearTimeout(timer);
        lender.child.off("message", onMessage);
        resolve(server);
      };
      lender.child.on("message", onMessage);
      lender.child.send({ kiln: "lend" });
    });
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
   * A connection that opened with a model request (its first bytes in `head`), or one on
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
    this.modelsOnly?.close();
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
