import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import { getDb } from "../db";
import { logger } from "../log";
import { beginInteractiveRun, endRun } from "../runs/lifecycle";
import { CellWriter } from "./cell-writer";
import { type ExecutionRecord, recorder } from "./recorder";
import { forgetMessageRunLater, rememberMessageRun } from "./message-runs";
import { OrderedPublisher } from "./ordered-publisher";
import { ShellRequests } from "./shell-requests";
import type { NotebookEvent, Output } from "./events";
import { kernelPost } from "./kernel-rest";
import { iopubFlows, openKernelSocket } from "./kernel-socket";
import { type FinishedExecution, type KernelState, type KernelTarget, type LiveExecution, liveFromRow } from "./session-types";
import { appendOutput, type JupyterMessage, message, storable, toOutput } from "./protocol";

export type { FinishedExecution, KernelState, KernelTarget, LiveExecution } from "./session-types";

/** A cell still running after this long gets `running` written to its row. */
const RUNNING_WRITE_MS = 250;

const DIED =
  "The kernel process died (it exited, or ran out of memory). Jupyter started a fresh one: variables are gone; your notebook is intact. Run the cells again.";

/**
 * Kiln's own connection to one notebook's kernel. Kiln is the client: it sends the
 * execute_request, records every output as it arrives (so a closed tab loses nothing) and
 * publishes them to every open view of the notebook.
 */
export class KernelSession {
  state: KernelState = "starting";
  reason: string | null = null;
  readonly live = new Map<string, LiveExecution>();
  /** Finished executions whose outputs are still being written: a view loaded meanwhile sees them. */
  readonly persisting = new Map<string, LiveExecution>();
  private ws: WebSocket | null = null;
  /** Jupyter's session id for Kiln's socket; kept with every execution, so a restarted Kiln resumes it. */
  readonly session: string;
  private readonly events = new OrderedPublisher(() => this.eventKey);
  private readonly unhook: () => void;
  private pendingInput: { header: JupyterMessage["header"]; msgId: string } | null = null;
  private userRestart = false;
  /** Until then, a "restarting" status is the echo of a restart Kiln asked for, not a death. */
  private restartQuietUntil = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly cells: CellWriter;
  /** Completions and inspections: replies by msg_id (shell-requests.ts). */
  private readonly requests = new ShellRequests((m) => this.ws?.readyState === WebSocket.OPEN && (this.send(m), true));
  closed = false;

  /**
   * The experiment run this kernel session is (lib/runs): a restart or a death ends it, and
   * the kernel's next life is the next run.
   */
  run: Promise<number>;

  /** Every execution's end, for a caller that waits for one (a whole-notebook run). */
  readonly finished = new EventEmitter<{ finished: [msgId: string, result: FinishedExecution] }>();

  /**
   * `batch`: a whole-notebook run's own kernel. Its events go to `eventKey` (no notebook
   * view), its outputs are not written into the notebook, and a death ends the run.
   */
  constructor(
    readonly notebookId: number, readonly userId: number, readonly target: KernelTarget, readonly kernelId: string, runId: number,
    readonly opts: { batch?: boolean; eventKey?: number; session?: string } = {},
  ) {
    this.session = opts.session ?? crypto.randomUUID();
    this.run = Promise.resolve(runId);
    // Every write of the recorder takes the running cells' outputs as they are then.
    this.unhook = recorder().onBeforeWrite(() => this.flushOutputs());
    this.cells = new CellWriter(opts.batch ? null : notebookId, (written) => {
      for (const c of written) if (this.persisting.get(c.cellId)?.id === c.executionId) this.persisting.delete(c.cellId);
    });
  }

  /** Where this session's events go: the notebook's views, or a whole-notebook run's own key. */
  get eventKey(): number {
    return this.opts.eventKey ?? this.notebookId;
  }

  private setState(state: KernelState, reason: string | null = null) {
    // A death stays on screen until the user runs something or restarts: a quiet auto-restart must not hide it.
    if (this.state === "dead" && ["idle", "busy", "starting"].includes(state) && reason === null && this.live.size === 0) return;
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    this.events.now({ type: "kernel", state, reason });
  }

  /**
   * Opens the kernel WebSocket and proves that iopub flows: a kernel_info_request must come
   * back with its status on iopub. Right after a kernel died and Jupyter restarted it on new
   * ports, a socket can open yet hear nothing; such a socket is dropped and opened again.
   */
  async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const ws = await this.openSocket();
      if (await iopubFlows(ws, this.session)) return;
      this.ws = null;
      ws.close();
      if (attempt >= 5) throw new Error("the kernel's output channel stayed silent");
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }

  private async openSocket(): Promise<WebSocket> {
    let ws: WebSocket | null = null;
    ws = await openKernelSocket(this.target, this.kernelId, this.session, (data) => {
      if (ws === null || this.ws === ws) this.onMessage(String(data)); // (null: still opening)
    });
    this.ws = ws;
    ws.on("close", () => this.ws === ws && this.onClose());
    ws.on("error", (e) => logger().warn({ err: e, notebook: this.notebookId }, "kernel WebSocket error"));
    return ws;
  }

  private send(m: JupyterMessage) {
    this.ws?.send(JSON.stringify(m));
  }

  /** Before running after a death: Jupyter restarted the kernel itself; reconnect to its new process. */
  async readyAfterDeath() {
    if (this.state === "dead") await this.reconnect();
  }

  /**
   * Sends an execute_request at once; its executions row (`record`, its id already
   * reserved) is written by the recorder soon after, off the round trip.
   */
  execute(record: ExecutionRecord) {
    const m = message("shell", "execute_request", {
      code: record.code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true,
    }, this.session);
    m.header.msg_id = record.msgId;
    record = { ...record, kernelSession: this.session };
    const live: LiveExecution = {
      id: record.id, record, msgId: record.msgId, cellId: record.cellId, status: "queued", executionCount: null,
      outputs: [], clearOnNext: false, dirty: false, reply: null, idle: false, startedAt: null, durable: false,
    };
    this.live.set(record.msgId, live);
    if (this.state === "dead") this.setState("busy");
    this.send(m);
    recorder().record(record);
    this.emit({ type: "execution", execution_id: live.id, cell_id: live.cellId, status: "queued", execution_count: null });
  }

  private emit(event: NotebookEvent, exec?: LiveExecution) {
    if (exec?.durable) this.events.stored(event);
    else this.events.now(event);
  }

  /** A change to an execution's row: recorded whole, so the last write is always the latest state. */
  private store(exec: LiveExecution, change: Partial<ExecutionRecord>) {
    exec.record = { ...exec.record, ...change };
    recorder().record(exec.record);
  }

  /** A shell request other than an execution (complete_request, inspect_request): its reply's content. */
  shellRequest(msgType: string, content: Record<string, unknown>, timeoutMs: number, timeout: () => Error): Promise<Record<string, unknown>> {
    return this.requests.request(message("shell", msgType, content, this.session), timeoutMs, timeout);
  }

  answerInput(value: string): boolean {
    if (!this.pendingInput) return false;
    this.send(message("stdin", "input_reply", { value }, this.session, this.pendingInput.header));
    this.pendingInput = null;
    return true;
  }

  async interrupt() {
    await this.rest(`api/kernels/${this.kernelId}/interrupt`);
  }

  async restart() {
    this.userRestart = true;
    this.setState("restarting");
    this.abortAll("The kernel was restarted");
    try {
      // Right after a death Jupyter may still be restarting the kernel itself: one retry covers it.
      await this.rest(`api/kernels/${this.kernelId}/restart`).catch(async () => {
        await new Promise((r) => setTimeout(r, 1000));
        await this.rest(`api/kernels/${this.kernelId}/restart`);
      });
      await this.reconnect();
      this.nextRun("finished");
      this.setState("idle");
    } finally {
      // Jupyter's own "restarting" status for this restart can reach the new socket after the
      // REST call returned: for a few seconds it is not taken for a death (which would abort
      // the first cell run after the restart).
      this.userRestart = false;
      this.restartQuietUntil = Date.now() + 5000;
    }
  }

  /** The kernel's process ended (restart, death): its run ends, the fresh process is the next run. */
  private nextRun(ending: "finished" | "failed", why: string | null = null) {
    const previous = this.run;
    this.run = previous.then(async (id) => {
      const db = await getDb();
      await endRun(db, id, ending, why);
      return beginInteractiveRun(db, { notebookId: this.notebookId, userId: this.userId, kernelId: this.kernelId, target: this.target });
    });
    this.run.catch((e) => logger().error({ err: e, notebook: this.notebookId }, "could not record the next run"));
  }

  /**
   * A fresh WebSocket to the same kernel, as JupyterLab makes after a restart: the old one's
   * iopub subscription may not survive the kernel's new process.
   */
  async reconnect() {
    const old = this.ws;
    this.ws = null;
    old?.close();
    await this.connect();
  }

  private async rest(path: string) {
    await kernelPost(this.target, path);
  }

  private execFor(m: JupyterMessage): LiveExecution | undefined {
    const parent = m.parent_header?.msg_id;
    return parent ? this.live.get(parent) : undefined;
  }

  private onMessage(raw: string) {
    let m: JupyterMessage;
    try {
      m = JSON.parse(raw) as JupyterMessage;
    } catch {
      return; // binary frames (buffers) carry nothing Kiln records
    }
    if (this.requests.take(m)) return;
    const type = m.header?.msg_type;
    const exec = this.execFor(m);
    if (m.channel === "iopub" && type === "status") {
      const s = String(m.content.execution_state);
      if (s === "restarting" && !this.userRestart && Date.now() > this.restartQuietUntil) return this.onDeath();
      if (s === "dead") return this.onDeath();
      if (s === "busy" || s === "idle" || s === "starting") {
        if (exec && s === "busy" && exec.status === "queued") this.markRunning(exec);
        if (exec && s === "idle") {
          // iopub and shell are separate channels: the request is over at its idle status, with the reply in hand
          exec.idle = true;
          if (exec.reply) void this.finish(exec, exec.reply.status, exec.reply.error);
        }
        // the kernel's own state: idle only when nothing Kiln sent is still waiting
        this.setState(s === "idle" && this.live.size > 0 ? "busy" : (s as KernelState));
      }
      return;
    }
    if (!exec) return;
    if (type === "execute_input") {
      exec.executionCount = Number(m.content.execution_count) || null;
      this.markRunning(exec);
      return;
    }
    if (type === "clear_output") {
      if (m.content.wait) exec.clearOnNext = true;
      else this.clear(exec);
      this.emit({ type: "clear_output", execution_id: exec.id, cell_id: exec.cellId, wait: !!m.content.wait }, exec);
      return;
    }
    if (type === "update_display_data") {
      const displayId = String((m.content.transient as { display_id?: string } | undefined)?.display_id ?? "");
      const output: Output = { output_type: "display_data", data: m.content.data ?? {}, metadata: m.content.metadata ?? {}, transient: { display_id: displayId } };
      for (const e of this.live.values())
        e.outputs = e.outputs.map((o) => ((o.transient as { display_id?: string } | undefined)?.display_id === displayId ? ((e.dirty = true), output) : o));
      this.emit({ type: "update_display", display_id: displayId, output }, [...this.live.values()].find((e) => e.durable));
      return;
    }
    const output = toOutput(m);
    if (output && m.channel === "iopub") {
      if (exec.clearOnNext) this.clear(exec);
      appendOutput(exec.outputs, output);
      exec.dirty = true;
      this.scheduleFlush();
      this.emit({ type: "output", execution_id: exec.id, cell_id: exec.cellId, output }, exec);
      return;
    }
    if (m.channel === "stdin" && type === "input_request") {
      this.pendingInput = { header: m.header, msgId: exec.msgId };
      this.emit({
        type: "input_request", execution_id: exec.id, cell_id: exec.cellId, prompt: String(m.content.prompt ?? ""), password: !!m.content.password,
      });
      return;
    }
    if (m.channel === "shell" && type === "execute_reply") {
      const status = m.content.status === "ok" ? "ok" : m.content.status === "aborted" ? "aborted" : "error";
      exec.executionCount = Number(m.content.execution_count) || exec.executionCount;
      exec.reply = { status, error: status === "error" ? { ename: String(m.content.ename ?? ""), evalue: String(m.content.evalue ?? "") } : null };
      if (exec.idle) void this.finish(exec, status, exec.reply.error);
      // a kernel that never says idle for it (it should) does not leave the cell running forever
      else setTimeout(() => this.live.get(exec.msgId) === exec && void this.finish(exec, status, exec.reply!.error), 5000).unref();
    }
  }

  private clear(exec: LiveExecution) {
    exec.outputs = [];
    exec.clearOnNext = false;
    exec.dirty = true;
  }

  private markRunning(exec: LiveExecution) {
    if (exec.status === "running" && exec.executionCount === null) return;
    const first = exec.status === "queued";
    exec.status = "running";
    this.emit({ type: "execution", execution_id: exec.id, cell_id: exec.cellId, status: "running", execution_count: exec.executionCount });
    if (!first) return;
    exec.startedAt = new Date();
    // Most cells end within milliseconds: their start is written with their end. A longer one
    // is marked running in its row, for whoever reads the record meanwhile, and from now on
    // its outputs are stored before they are shown.
    setTimeout(() => {
      if (this.live.get(exec.msgId) !== exec) return;
      exec.durable = true;
      this.store(exec, { status: "running", startedAt: exec.startedAt });
      void recorder().durable();
    }, RUNNING_WRITE_MS).unref();
  }

  /** Outputs reach the executions row at most once a second while a cell runs. */
  private scheduleFlush() {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      this.flushOutputs();
    }, 1000);
  }

  private flushOutputs() {
    for (const e of this.live.values()) {
      if (!e.dirty) continue;
      e.dirty = false;
      this.store(e, { outputs: storable(e.outputs) });
    }
  }

  /** The execution is over: its row (recorder) and the stored notebook's cell (CellWriter) get the outputs soon after. */
  private finish(exec: LiveExecution, status: "ok" | "error" | "aborted", error: { ename: string; evalue: string } | null) {
    if (this.live.get(exec.msgId) !== exec) return; // finished already
    this.live.delete(exec.msgId);
    forgetMessageRunLater(exec.msgId);
    this.persisting.set(exec.cellId, exec);
    if (this.pendingInput?.msgId === exec.msgId) this.pendingInput = null;
    const outputs = storable(exec.outputs);
    this.finished.emit("finished", exec.msgId, { status, outputs, executionCount: exec.executionCount, error });
    this.emit({ type: "execution", execution_id: exec.id, cell_id: exec.cellId, status, execution_count: exec.executionCount });
    if (this.live.size === 0 && this.state === "busy") this.setState("idle");
    this.store(exec, { status, outputs, executionCount: exec.executionCount, error, startedAt: exec.startedAt, endedAt: new Date() });
    this.cells.add({ executionId: exec.id, cellId: exec.cellId, outputs, executionCount: exec.executionCount });
  }

  /** The notebook was saved: finished cells that were not in it yet may be now. */
  notebookSaved() {
    this.cells.retryUnplaced();
  }

  /** Resolves once every finished cell is in the stored notebook (export, shutdown). */
  flushCells(): Promise<void> {
    return this.cells.flush();
  }

  private abortAll(why: string) {
    for (const e of [...this.live.values()]) {
      if (e.status === "running") appendOutput(e.outputs, { output_type: "stream", name: "stderr", text: `\n[${why}]\n` });
      void this.finish(e, "aborted", null);
    }
  }

  private onDeath() {
    this.abortAll("The kernel died");
    if (!this.opts.batch) this.nextRun("failed", "The kernel died (it exited, or ran out of memory)");
    this.setState("dead", DIED);
  }

  private onClose() {
    if (this.closed) return;
    this.closed = true;
    this.unhook();
    this.requests.rejectAll("the connection to the kernel closed");
    this.abortAll("Kiln lost the connection to the kernel (the server stopped?)");
    void this.run.then(async (id) => endRun(await getDb(), id, "finished")).catch(() => {});
    this.setState("disconnected", "The connection to the kernel closed: the server stopped or restarted.");
  }

  /**
   * Kiln is stopping: what arrived is recorded, and the socket closes without ending or
   * aborting anything. The kernel runs on; Jupyter keeps what it sends for this session id,
   * which the next Kiln reconnects with (lib/execution/recover.ts).
   */
  suspend() {
    this.closed = true;
    this.flushOutputs();
    this.unhook();
    this.ws?.close();
  }

  /** After a Kiln restart: the executions that were running, as stored, continued by what Jupyter replays. */
  adopt(rows: ExecutionRecord[]) {
    for (const row of rows) {
      this.live.set(row.msgId, liveFromRow(row));
      rememberMessageRun(row.msgId, row.runId!, this.userId);
    }
    if (this.live.size) this.state = "busy";
  }

  /** Executions the kernel will never finish (their end was lost with the Kiln that sent them). */
  abandon(msgIds: string[], why: string) {
    for (const id of msgIds) {
      const e = this.live.get(id);
      if (!e) continue;
      appendOutput(e.outputs, { output_type: "stream", name: "stderr", text: `\n[${why}]\n` });
      void this.finish(e, "error", { ename: "KilnRestarted", evalue: why });
    }
  }

  close() {
    this.closed = true;
    this.unhook();
    this.ws?.close();
  }
}
