import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import type http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { logger } from "../../log";
import { metrics, SERVING_METRICS } from "../../metrics";
import { type LiveEndpoint, loadEndpoint, onEndpointChange, type Route } from "../live";
import type { EndpointStats } from "../stats";
import { PORT_REFUSED } from "./exit-codes";
import { forwardRequest } from "./forward";
import { connectRpc, type Rpc } from "./rpc";

/**
 * Kiln's serving process, seen from the main process. Served models answer in a process of
 * their own (lib/serving/process/child.ts; KILN_SERVING_NICE lowers its CPU priority): a
 * flood of model requests then cannot starve the notebooks' channels, and nothing the main
 * process does (PGlite's queries run on its event loop) holds up a model request.
 * Connections that open with a model request are handed over whole (sniff.ts); the odd
 * model request on a connection the main process owns is forwarded over a private socket,
 * and so is anything else that arrives on a handed-over connection, the other way.
 *
 * The serving process reads no database: routing comes from here (on demand, and pushed the
 * moment this process changes it), model files from the blob store on disk.
 */
const KEY = Symbol.for("kiln.servingProcess");
type G = typeof globalThis & { [KEY]?: ServingProcess };
export const servingProcess = (): ServingProcess => ((globalThis as G)[KEY] ??= new ServingProcess());

const CHILD = new URL("./child.ts", import.meta.url);

class ServingProcess {
  private child: ChildProcess | null = null;
  private rpc: Rpc | null = null;
  private ready = false;
  private stopping = false;
  private dir = "";
  private back: http.Server | null = null;
  /** Where the serving process takes forwarded model requests. */
  get servingSocket() {
    return path.join(this.dir, "serving.sock");
  }
  /** Where this process takes what reached the serving process but is not a model request. */
  get kilnSocket() {
    return path.join(this.dir, "kiln.sock");
  }

  /** Starts it; `back` is the HTTP server (Kiln's handlers) that answers what it forwards here. */
  async start(back: http.Server): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-serving-")); // 0700: only Kiln's account reaches the sockets
    this.back = back;
    // counted there: this process's empty copies would repeat their names in /metrics
    for (const name of SERVING_METRICS) metrics().registry.removeSingleMetric(name);
    await new Promise<void>((resolve, reject) => back.once("error", reject).listen(this.kilnSocket, () => resolve()));
    onEndpointChange(async (name, value) => {
      await this.rpc?.call("routing", { name, value }).catch(() => undefined); // a restarting one reads it afresh
    });
    await this.spawn();
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const execArgv = process.execArgv.filter((a) => !/^--(inspect|cpu-prof|heap-prof)/.test(a));
      const child = fork(CHILD, [], { execArgv, env: { ...process.env, KILN_SERVING_DIR: this.dir }, stdio: "inherit" });
      this.child = child;
      this.rpc = connectRpc(child, {
        endpoint: (name) => loadEndpoint(String(name)),
        ready: () => {
          this.ready = true;
          resolve();
        },
      });
      child.on("exit", (code, signal) => {
        if (this.child !== child) return;
        this.ready = false;
        this.child = null;
        this.rpc?.fail(`the serving process stopped (${signal ?? code})`);
        if (this.stopping) return resolve();
        if (code === PORT_REFUSED) return reject(new Error("the serving process could not listen on KILN_SERVING_PORT (said above)"));
        logger().error({ code, signal }, "serving: the serving process stopped; starting another");
        setTimeout(() => this.spawn().catch((e) => logger().error({ err: e }, "serving: no serving process any more")), 1000).unref();
        resolve();
      });
    });
  }

  /** A connection that opened with a model request: the serving process's from here (false: it is not up). */
  handOff(socket: net.Socket, head: Buffer): boolean {
    if (!this.ready || !this.child?.connected) return false;
    metrics().servingConnections.inc();
    this.child.send({ kiln: "connection", head: head.toString("base64") }, socket, (err) => {
      if (err) socket.destroy(); // it went away meanwhile: the client reconnects
    });
    return true;
  }

  /** A model request that came on a connection of this process's. */
  forward(req: http.IncomingMessage, res: http.ServerResponse) {
    forwardRequest(this.servingSocket, req, res, "the serving process");
  }

  /** Loads a version in the serving process before traffic moves to it. */
  async warm(endpoint: Pick<LiveEndpoint, "id" | "modelName" | "maxBatch" | "maxWaitMs">, route: Pick<Route, "version" | "signature">): Promise<void> {
    if (!this.rpc || !this.ready) return; // none (yet): its first request will load it
    const { id, modelName, maxBatch, maxWaitMs } = endpoint;
    await this.rpc.call("warm", { endpoint: { id, modelName, maxBatch, maxWaitMs }, route: { version: { id: route.version.id, version: route.version.version, chunks: route.version.chunks, size: route.version.size }, signature: route.signature } });
  }

  async stats(name: string): Promise<EndpointStats> {
    const none: EndpointStats = { name, at: Date.now(), requests: [], latency: { buckets: [], count: 0, sum: 0 } };
    if (!this.rpc || !this.ready) return none; // a serving process starting again has counted nothing yet
    return this.rpc.call<EndpointStats>("stats", name).catch(() => none);
  }

  /** The serving metrics in Prometheus's text format (they are counted there). */
  async metricsText(): Promise<string> {
    return this.rpc ? this.rpc.call<string>("metrics").catch(() => "") : "";
  }

  async flushSamples(): Promise<void> {
    if (this.ready) await this.rpc?.call("flushSamples");
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child?.connected) {
      const gone = new Promise((r) => child.once("exit", r));
      this.rpc?.push("stop"); // it stops taking connections, answers what it has, keeps its samples
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      child.kill("SIGKILL");
    }
    this.back?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
