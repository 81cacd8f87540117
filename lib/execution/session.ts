import crypto from "node:crypto";
import { type ExecutionRecord, recorder } from "./recorder";
import { forgetMessageRunLater, rememberMessageRun } from "./message-runs";
import type { NotebookEvent, Output } from "./events";
import type { SessionObserver, SessionRun } from "./observer";
import { KernelClient } from "./kernel/client";
import type { FutureHandlers } from "./kernel/future";
import type { ExecuteReply, Header, InputRequest, JupyterMessage, KernelStatus, ShellReply } from "./kernel/messages";
import { type FinishedExecution, type KernelState, type KernelTarget, type LiveExecution, liveFromRow } from "./session-types";
import { appendOutput, storable, toOutput } from "./protocol";

export type { FinishedExecution, KernelState, KernelTarget, LiveExecution } from "./session-types";

/** A cell still running after this long gets `running` written to its row. */
const RUNNING_WRITE_MS = 250;

const DIED =
  "The kernel process died (it exited, or ran out of memory). Jupyter started a fresh one: variables are gone; your notebook is intact. Run the cells again.";

/**
 * Kiln's own session with one kernel, over its client (kernel/client.ts): it sends each
 * execution, keeps what the kernel sends for it (outputs merged as nbformat stores them,
 * its status and end) and the kernel's state, and tells its observers (observer.ts), which
 * record the rows, publish to the notebook's views, store the cells and keep the run.
 */
export class KernelSession {
  state: KernelState = "starting";
  reason: string | null = null;
  readonly live = new Map<string, LiveExecution>();
  private readonly client: KernelClient;
  private readonly observers: SessionObserver[] = [];
  /** Jupyter's session id for Kiln's socket; kept with every execution, so a restarted Kiln resumes it. */
  readonly session: string;
  private readonly unhook: () => void;
  private pendingInput: { header: Header; msgId: string } | null = null;
  private userRestart = false;
  /** Until then, a "restarting" status is the echo of a restart Kiln asked for, not a death. */
  private restartQuietUntil = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Whoever waits for an execution's end (a whole-notebook run), by msg_id. */
  private readonly waiting = new Map<string, (result: FinishedExecution) => void>();
  closed = false;

  /**
   * `run`: the run the executions belong to (an interactive run ends with the kernel's
   * process; a whole-notebook run's driver ends it). `session`: Jupyter's session id to
   * resume (a restarted Kiln continuing the running cells of the Kiln before it).
   */
  constructor(
    readonly notebookId: number, readonly userId: number, readonly target: KernelTarget, readonly kernelId: string,
    private readonly run: SessionRun, opts: { session?: string } = {},
  ) {
    this.session = opts.session ?? crypto.randomUUID();
    this.observers.push(run);
    this.client = new KernelClient(target, kernelId, this.session, {
      status: (state) => this.onStatus(state),
      closed: () => this.onClose(),
    });
    // Every write of the recorder takes the running cells' outputs as they are then.
    this.unhook = recorder().onBeforeWrite(() => this.flushOutputs());
  }

  /** Adds an observer; it hears what happens from now on. */
  observe(o: SessionObserver): this {
    this.observers.push(o);
    return this;
  }

  /** The run the next execution belongs to. */
  runId(): Promise<number> {
    return this.run.current();
  }

  private setState(state: KernelState, reason: string | null = null) {
    // A death stays on screen until the user runs something or restarts: a quiet auto-restart must not hide it.
    if (this.state === "dead" && ["idle", "busy", "starting"].includes(state) && reason === null && this.live.size === 0) return;
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    this.emit({ type: "kernel", state, reason });
  }

  /** Opens the kernel's socket and proves that its output channel flows (kernel/client.ts). */
  connect(): Promise<void> {
    return this.client.connect();
  }

  /** Before running after a death: Jupyter restarted the kernel itself; reconnect to its new process. */
  async readyAfterDeath() {
    if (this.state === "dead") await this.reconnect();
  }

  /**
   * Sends an execute_request at once; its executions row (`record`, its id already
   * reserved) is written by the recorder soon after, off the round trip. Resolves at the
   * execution's end, whatever it was.
   */
  execute(record: ExecutionRecord): Promise<FinishedExecution> {
    record = { ...record, kernelSession: this.session };
    const live: LiveExecution = {
      id: record.id, record, msgId: record.msgId, cellId: record.cellId, status: "queued", executionCount: null,
      outputs: [], clearOnNext: false, dirty: false, reply: null, startedAt: null, durable: false,
    };
    const finished = new Promise<FinishedExecution>((resolve) => this.waiting.set(record.msgId, resolve));
    this.live.set(record.msgId, live);
    if (this.state === "dead") this.setState("busy");
    const content = { code: record.code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true };
    this.client.execute(content, this.handlersFor(live), record.msgId);
    for (const o of this.observers) o.record?.(record);
    this.emit({ type: "execution", execution_id: live.id, cell_id: live.cellId, status: "queued", execution_count: null });
    return finished;
  }

  /** What the kernel sends for one execution, as its future hands it over. */
  private handlersFor(exec: LiveExecution): FutureHandlers {
    return {
      onIOPub: (m) => this.live.get(exec.msgId) === exec && this.onIOPub(exec, m),
      onStdin: (m) => this.live.get(exec.msgId) === exec && this.onStdin(exec, m as JupyterMessage<InputRequest>),
      onReply: (m) => this.onReply(exec, m as JupyterMessage<ExecuteReply>),
      onDone: () => exec.reply && this.finish(exec, exec.reply.status, exec.reply.error),
    };
  }

  private emit(event: NotebookEvent, exec?: LiveExecution) {
    for (const o of this.observers) o.event?.(event, exec);
  }

  /** A change to an execution's row: recorded whole, so the last write is always the latest state. */
  private store(exec: LiveExecution, change: Partial<ExecutionRecord>) {
    exec.record = { ...exec.record, ...change };
    for (const o of this.observers) o.record?.(exec.record);
  }

  /**
   * A shell request other than an execution (complete_request, inspect_request, a silent
   * execute): its reply's content. Its statuses are not the kernel's state for the views.
   */
  async shellRequest(msgType: string, content: Record<string, unknown>, timeoutMs: number, timeout: () => Error): Promise<ShellReply> {
    const future = this.client.request(msgType, content, { quiet: true });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => (this.client.abandon(future, "no answer in time"), reject(timeout())), timeoutMs)));
    try {
      return await Promise.race([future.reply, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  answerInput(value: string): boolean {
    if (!this.pendingInput) return false;
    this.client.inputReply(value, this.pendingInput.header);
    this.pendingInput = null;
    return true;
  }

  async interrupt() {
    await this.client.interrupt();
  }

  async restart() {
    this.userRestart = true;
    this.setState("restarting");
    this.abortAll("The kernel was restarted");
    try {
      // Right after a death Jupyter may still be restarting the kernel itself: one retry covers it.
      await this.client.restart().catch(async () => {
        await new Promise((r) => setTimeout(r, 1000));
        await this.client.restart();
      });
      await this.reconnect();
      await Promise.all(this.observers.map((o) => o.kernelEnded?.("restarted"))); // the old run is recorded as ended before the restart answers
      this.setState("idle");
    } finally {
      // Jupyter's own "restarting" status for this restart can reach the new socket after the
      // REST call returned: for a few seconds it is not taken for a death (which would abort
      // the first cell run after the restart).
      this.userRestart = false;
      this.restartQuietUntil = Date.now() + 5000;
    }
  }

  /**
   * A fresh WebSocket to the same kernel, as JupyterLab makes after a restart: the old one's
   * iopub subscription may not survive the kernel's new process.
   */
  reconnect(): Promise<void> {
    return this.client.reconnect();
  }

  /** An iopub status, after the execution it is about (if any) has seen it: the kernel's own state. */
  private onStatus(s: KernelStatus) {
    if (s === "restarting" && !this.userRestart && Date.now() > this.restartQuietUntil) return this.onDeath();
    if (s === "dead") return this.onDeath();
    // idle only when nothing Kiln sent is still waiting
    if (s === "busy" || s === "idle" || s === "starting") this.setState(s === "idle" && this.live.size > 0 ? "busy" : s);
  }

  private onIOPub(exec: LiveExecution, m: JupyterMessage) {
    const type = m.header.msg_type;
    if (type === "status") {
      if (m.content.execution_state === "busy" && exec.status === "queued") this.markRunning(exec);
      return;
    }
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
    if (!output) return;
    if (exec.clearOnNext) this.clear(exec);
    appendOutput(exec.outputs, output);
    exec.dirty = true;
    this.scheduleFlush();
    this.emit({ type: "output", execution_id: exec.id, cell_id: exec.cellId, output }, exec);
  }

  private onStdin(exec: LiveExecution, m: JupyterMessage<InputRequest>) {
    if (m.header.msg_type !== "input_request") return;
    this.pendingInput = { header: m.header, msgId: exec.msgId };
    this.emit({ type: "input_request", execution_id: exec.id, cell_id: exec.cellId, prompt: String(m.content.prompt ?? ""), password: !!m.content.password });
  }

  /** The execute_reply: kept until the kernel's idle status for the request (outputs may come after it). */
  private onReply(exec: LiveExecution, m: JupyterMessage<ExecuteReply>) {
    const status = m.content.status === "ok" ? "ok" : m.content.status === "aborted" ? "aborted" : "error";
    exec.executionCount = Number(m.content.execution_count) || exec.executionCount;
    exec.reply = { status, error: status === "error" ? { ename: String(m.content.ename ?? ""), evalue: String(m.content.evalue ?? "") } : null };
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
    this.client.forget(exec.msgId); // (an abort: later messages for it are dropped)
    forgetMessageRunLater(exec.msgId);
    if (this.pendingInput?.msgId === exec.msgId) this.pendingInput = null;
    const result: FinishedExecution = { status, outputs: storable(exec.outputs), executionCount: exec.executionCount, error };
    this.emit({ type: "execution", execution_id: exec.id, cell_id: exec.cellId, status, execution_count: exec.executionCount });
    if (this.live.size === 0 && this.state === "busy") this.setState("idle");
    this.store(exec, { status, outputs: result.outputs, executionCount: exec.executionCount, error, startedAt: exec.startedAt, endedAt: new Date() });
    for (const o of this.observers) o.finished?.(exec, result);
    this.waiting.get(exec.msgId)?.(result);
    this.waiting.delete(exec.msgId);
  }

  /** The notebook was saved: finished cells that were not in it yet may be now. */
  notebookSaved() {
    for (const o of this.observers) o.saved?.();
  }

  /** Resolves once what every observer holds is stored (export, shutdown). */
  async settle(): Promise<void> {
    await Promise.all(this.observers.map((o) => o.settle?.()));
  }

  private abortAll(why: string) {
    for (const e of [...this.live.values()]) {
      if (e.status === "running") appendOutput(e.outputs, { output_type: "stream", name: "stderr", text: `\n[${why}]\n` });
      void this.finish(e, "aborted", null);
    }
  }

  private onDeath() {
    this.abortAll("The kernel died");
    for (const o of this.observers) o.kernelEnded?.("died");
    this.setState("dead", DIED);
  }

  private onClose() {
    if (this.closed) return;
    this.closed = true;
    this.unhook();
    this.client.disposeAll("the connection to the kernel closed");
    this.abortAll("Kiln lost the connection to the kernel (the server stopped?)");
    for (const o of this.observers) o.kernelEnded?.("disconnected");
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
    this.client.close();
  }

  /** After a Kiln restart: the executions that were running, as stored, continued by what Jupyter replays. */
  adopt(rows: ExecutionRecord[]) {
    for (const row of rows) {
      const exec = liveFromRow(row);
      this.live.set(row.msgId, exec);
      this.client.adopt(row.msgId, this.handlersFor(exec));
      rememberMessageRun(row.msgId, row.runId!, this.userId);
      // What it printed so far, for views that start over with this session (a new owner resets them).
      this.emit({ type: "execution", execution_id: exec.id, cell_id: exec.cellId, status: exec.status, execution_count: exec.executionCount }, exec);
      for (const output of exec.outputs) this.emit({ type: "output", execution_id: exec.id, cell_id: exec.cellId, output }, exec);
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
    this.client.close();
  }
}
