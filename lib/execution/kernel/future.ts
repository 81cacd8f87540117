import { type JupyterMessage, type ShellReply, statusOf } from "./messages";

/** How long after its reply a request waits for its idle status before it is done anyway. */
const IDLE_AFTER_REPLY_MS = 5000;

export interface FutureHandlers {
  /** Every iopub message whose parent is this request, its status messages included. */
  onIOPub?(m: JupyterMessage): void;
  onStdin?(m: JupyterMessage): void;
  onReply?(m: JupyterMessage<ShellReply>): void;
  /** The request is over: its reply came and the kernel said idle for it (see `KernelFuture`). */
  onDone?(reply: JupyterMessage<ShellReply>): void;
}

/**
 * One request sent on a kernel's shell channel and everything the kernel sends for it, as
 * @jupyterlab/services' KernelFuture: the client routes each message whose parent is this
 * request here. iopub and shell are separate channels, so outputs may follow the reply; the
 * request is done once both its reply and the kernel's idle status for it arrived. A kernel
 * that never says idle for it (it should) does not leave it open for ever.
 */
export class KernelFuture {
  /** The shell reply's content, as soon as it arrives (a completion needs no more). */
  readonly reply: Promise<ShellReply>;
  private replyMsg: JupyterMessage<ShellReply> | null = null;
  private idle = false;
  private settled = false;
  private lateIdle: NodeJS.Timeout | null = null;
  private resolveReply!: (c: ShellReply) => void;
  private rejectReply!: (e: Error) => void;

  /**
   * `quiet`: the request's busy and idle statuses are not the kernel's state for anyone
   * (a completion must not flicker every open view's kernel indicator).
   */
  constructor(
    readonly msgId: string,
    readonly quiet: boolean,
    private readonly handlers: FutureHandlers,
    private readonly release: (f: KernelFuture) => void,
  ) {
    this.reply = new Promise((resolve, reject) => ((this.resolveReply = resolve), (this.rejectReply = reject)));
    this.reply.catch(() => {}); // a caller that only wanted the end need not read the reply
  }

  get isDone(): boolean {
    return this.settled;
  }

  /** A message whose parent is this request. */
  handle(m: JupyterMessage): void {
    if (this.settled) return;
    if (m.channel === "iopub") {
      this.handlers.onIOPub?.(m);
      if (statusOf(m) === "idle") {
        this.idle = true;
        this.maybeDone();
      }
    } else if (m.channel === "stdin") this.handlers.onStdin?.(m);
    else if (m.channel === "shell" && m.header.msg_type.endsWith("_reply")) {
      this.replyMsg = m as JupyterMessage<ShellReply>;
      this.resolveReply(this.replyMsg.content);
      this.handlers.onReply?.(this.replyMsg);
      if (this.settled) return; // the reply's handler ended it
      if (!this.idle) this.lateIdle = setTimeout(() => ((this.idle = true), this.maybeDone()), IDLE_AFTER_REPLY_MS).unref();
      this.maybeDone();
    }
  }

  /** The request will not be answered (the socket closed, the kernel died or restarted, a timeout): later messages are dropped. */
  dispose(why = "the request was given up"): void {
    if (this.settled) return;
    this.settle();
    this.rejectReply(new Error(why));
  }

  private maybeDone() {
    if (!this.replyMsg || !this.idle || this.settled) return;
    this.settle();
    this.handlers.onDone?.(this.replyMsg);
  }

  private settle() {
    this.settled = true;
    if (this.lateIdle) clearTimeout(this.lateIdle);
    this.release(this);
  }
}
