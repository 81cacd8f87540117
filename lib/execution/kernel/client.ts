import crypto from "node:crypto";
import WebSocket from "ws";
import { logger } from "../../log";
import { upstreamWsUrl } from "../../spawners/upstream";
import { KernelFuture, type FutureHandlers } from "./future";
import { encodeV1, type ExecuteRequest, type Header, type JupyterMessage, KERNEL_WS_V1, type KernelStatus, message, parentId, parseMessage, parseV1, statusOf } from "./messages";
import { channelsPath, interruptKernel, type JupyterServer, restartKernel } from "./rest";

/** A quiet request given up on (a timeout) is remembered this long, so its late status is still not the kernel's. */
const QUIET_LINGER_MS = 10_000;
/** How long each probe of a fresh socket waits for iopub to answer. */
const PROBE_MS = 3000;
/** Probes of a silent socket before it is dropped and opened again (see iopubFlows). */
const PROBE_TRIES = 3;
const CONNECT_ATTEMPTS = 5;
/** What ws says when a server picked no subprotocol: one that speaks only JSON. */
const NO_SUBPROTOCOL = "Server sent no subprotocol";
/** Jupyter servers (by socket) that answered without the binary framing: later sockets to them ask for JSON at once. */
const jsonOnly = new Set<string>();

export interface ClientEvents {
  /** The kernel's execution state, from an iopub status (`request`: the request it is about, when one of this client's). */
  status(state: KernelStatus, request: KernelFuture | undefined): void;
  /** The socket closed, not by `close()` or `reconnect()`: the server stopped or restarted. */
  closed(): void;
}

/**
 * Kiln's connection to one kernel, as @jupyterlab/services' KernelConnection: one WebSocket
 * to Jupyter Server's channels for one client session id, requests sent as futures that
 * own their messages, and the kernel's status. Unlike KernelConnection it neither queues
 * requests behind its own handshake nor reconnects by itself: the session decides
 * (ARCHITECTURE.md, "Kiln as the kernel's client").
 */
export class KernelClient {
  private ws: WebSocket | null = null;
  private readonly futures = new Map<string, KernelFuture>();
  /** Told of every iopub message on the current socket while connect() waits for one. */
  private onIopub: (() => void) | null = null;

  constructor(
    readonly server: JupyterServer,
    readonly kernelId: string,
    /** Jupyter's session id for this client: kept with executions, so a restarted Kiln resumes it and Jupyter replays what it missed. */
    readonly session: string,
    private readonly events: ClientEvents,
  ) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** How the open socket frames messages: Jupyter Server's binary v1 where it offers it, else JSON. */
  get framing(): "v1" | "json" | null {
    return this.isOpen ? (this.ws!.protocol === KERNEL_WS_V1 ? "v1" : "json") : null;
  }

  /**
   * Opens the socket and proves that iopub flows: a kernel_info_request must come back with
   * its status on iopub. Right after a kernel died and Jupyter restarted it on new ports, a
   * socket can open yet hear nothing; such a socket is dropped and opened again.
   */
  async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.openSocket();
      if (await this.iopubFlows(PROBE_TRIES)) return;
      this.drop();
      if (attempt >= CONNECT_ATTEMPTS) throw new Error("the kernel's output channel stayed silent");
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }

  /** A fresh socket to the same kernel, as JupyterLab makes after a restart: the old one's iopub subscription may not survive the kernel's new process. */
  async reconnect(): Promise<void> {
    this.drop();
    await this.connect();
  }

  /** Sends an execute_request at once (`msgId`: an id the caller already recorded). */
  execute(content: ExecuteRequest, handlers: FutureHandlers, msgId: string = crypto.randomUUID()): KernelFuture {
    const m = message("shell", "execute_request", content, this.session);
    m.header.msg_id = msgId;
    const future = this.track(msgId, false, handlers);
    this.send(m);
    return future;
  }

  /** Any other shell request (complete, inspect, a silent execute): its reply is `future.reply`. */
  request(msgType: string, content: Record<string, unknown>, options: { quiet?: boolean } = {}): KernelFuture {
    const m = message("shell", msgType, content, this.session);
    const future = this.track(m.header.msg_id, options.quiet ?? false, {});
    if (!this.send(m)) future.dispose("the kernel socket is not open");
    return future;
  }

  /** A request an earlier Kiln sent with this session id: what Jupyter replays for it comes here. */
  adopt(msgId: string, handlers: FutureHandlers): KernelFuture {
    return this.track(msgId, false, handlers);
  }

  /** A quiet request whose answer is no longer awaited: its late messages are still swallowed for a while. */
  abandon(future: KernelFuture, why: string): void {
    if (future.quiet) setTimeout(() => future.dispose(why), QUIET_LINGER_MS).unref();
    else future.dispose(why);
  }

  /** The caller ended a request itself (an abort): whatever comes for it later is dropped. */
  forget(msgId: string): void {
    this.futures.get(msgId)?.dispose("ended by its caller");
  }

  inputReply(value: string, parent: Header): void {
    this.send(message("stdin", "input_reply", { value }, this.session, parent));
  }

  interrupt(): Promise<void> {
    return interruptKernel(this.server, this.kernelId);
  }

  restart(): Promise<void> {
    return restartKernel(this.server, this.kernelId);
  }

  /** Closes the socket; nothing is reported closed, futures are dropped. */
  close(): void {
    this.drop();
    this.disposeAll("the connection to the kernel closed");
  }

  /** Every request still open is given up (the socket closed, the kernel's process ended). */
  disposeAll(why: string): void {
    for (const f of [...this.futures.values()]) f.dispose(why);
  }

  private track(msgId: string, quiet: boolean, handlers: FutureHandlers): KernelFuture {
    const future = new KernelFuture(msgId, quiet, handlers, (f) => this.futures.get(f.msgId) === f && this.futures.delete(f.msgId));
    this.futures.set(msgId, future);
    return future;
  }

  private send(m: JupyterMessage<object>): boolean {
    if (!this.isOpen) return false;
    this.ws!.send(this.framing === "v1" ? encodeV1(m) : JSON.stringify(m));
    return true;
  }

  /**
   * Asks for the binary framing (messages.ts) as JupyterLab 4 does, and falls back to JSON
   * where the server picks none (ws then refuses the socket; a browser would not). The
   * refused socket was upgraded: Jupyter keeps what it sends for this session id meanwhile
   * and hands it to the JSON socket that follows, so nothing is lost.
   */
  private async openSocket(): Promise<void> {
    const server = this.server.upstream.socketPath;
    if (jsonOnly.has(server)) return this.openSocketWith(false);
    try {
      await this.openSocketWith(true);
    } catch (e) {
      if ((e as Error).message !== NO_SUBPROTOCOL) throw e;
      jsonOnly.add(server);
      await this.openSocketWith(false);
    }
  }

  private async openSocketWith(binary: boolean): Promise<void> {
    const url = upstreamWsUrl(this.server.upstream, channelsPath(this.server, this.kernelId, this.session));
    const ws = new WebSocket(url, binary ? [KERNEL_WS_V1] : [], { headers: { authorization: `token ${this.server.token}` }, perMessageDeflate: false });
    this.ws = ws;
    // Listening before the socket opens: Jupyter replays a resumed session's messages right
    // after the upgrade, possibly in the same read, before an await on "open" would return.
    ws.on("message", (data: Buffer, isBinary) => this.ws === ws && this.onMessage(ws.protocol === KERNEL_WS_V1 ? parseV1(data) : isBinary ? null : parseMessage(String(data))));
    ws.on("close", () => this.ws === ws && this.onClose());
    ws.on("error", (e) => logger().warn({ err: e, kernel: this.kernelId }, "kernel WebSocket error"));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", (e) => {
        // A socket refused for its subprotocol is not the kernel closing: its close, whenever
        // it comes, must not end the session, since a JSON socket follows at once.
        if (e.message === NO_SUBPROTOCOL && this.ws === ws) this.ws = null;
        reject(e);
      });
      ws.once("unexpected-response", (_req, res) => reject(new Error(`kernel WebSocket refused: HTTP ${res.statusCode}`)));
    });
    (ws as unknown as { _socket?: { setNoDelay?: (b: boolean) => void } })._socket?.setNoDelay?.(true);
  }

  /**
   * Any iopub message proves it, a resumed session's replay included, and a socket that has
   * heard nothing yet is probed `tries` times before it is dropped: Jupyter hands a resumed
   * session's kept output to the first socket only, after its own probe of the kernel, so
   * dropping a socket on a machine busy enough to take seconds over that lost the output
   * (seen under a load average of 9: a cell's output, kept across a restart, never came).
   */
  private async iopubFlows(tries: number): Promise<boolean> {
    let heard = false;
    let wake = () => {};
    this.onIopub = () => ((heard = true), wake());
    try {
      for (let i = 0; i < tries && !heard; i++) await this.probe(new Promise<void>((r) => (wake = r)));
      return heard;
    } finally {
      this.onIopub = null;
    }
  }

  /** A kernel_info_request, waited for up to PROBE_MS or until `heard` settles. */
  private probe(heard: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), PROBE_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      void heard.then(done);
      const probe = this.track(crypto.randomUUID(), true, {});
      const m = message("shell", "kernel_info_request", {}, this.session);
      m.header.msg_id = probe.msgId;
      if (!this.send(m)) done();
      setTimeout(() => probe.dispose("probe over"), PROBE_MS + QUIET_LINGER_MS).unref();
    });
  }

  private drop() {
    const old = this.ws;
    this.ws = null;
    old?.close();
  }

  private onMessage(m: JupyterMessage | null) {
    if (!m) return;
    if (m.channel === "iopub") this.onIopub?.();
    const parent = parentId(m);
    const future = parent ? this.futures.get(parent) : undefined;
    future?.handle(m);
    const state = statusOf(m);
    if (state && !future?.quiet) this.events.status(state, future);
  }

  private onClose() {
    this.ws = null;
    this.events.closed();
  }
}
