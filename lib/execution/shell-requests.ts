import type { JupyterMessage } from "./protocol";

/** How long a finished request's id is remembered, for the iopub status the kernel sends after its reply. */
const REMEMBER_MS = 10_000;

interface Pending {
  resolve: (content: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Shell requests other than executions (complete_request, inspect_request), sent on a
 * session's kernel socket: each resolves on the reply whose parent is its msg_id, or
 * rejects after its timeout. Their busy/idle statuses on iopub are swallowed here, so a
 * completion never flickers the kernel's state on every open view.
 */
export class ShellRequests {
  private pending = new Map<string, Pending>();
  private done = new Map<string, number>();

  constructor(private readonly send: (m: JupyterMessage) => boolean) {}

  /** Sends `m`; `timeout` makes the error it rejects with when no reply came in time. */
  request(m: JupyterMessage, timeoutMs: number, timeout: () => Error): Promise<Record<string, unknown>> {
    const id = m.header.msg_id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id);
        reject(timeout());
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send(m)) {
        this.settle(id);
        reject(new Error("the kernel socket is not open"));
      }
    });
  }

  /** True when `m` belongs to one of these requests (its reply, or its status): the session ignores it then. */
  take(m: JupyterMessage): boolean {
    const parent = m.parent_header?.msg_id;
    if (!parent) return false;
    const p = this.pending.get(parent);
    if (p && m.channel === "shell") {
      this.settle(parent);
      p.resolve(m.content);
      return true;
    }
    if (!p && !this.done.has(parent)) return false;
    if (m.channel === "iopub" && m.header.msg_type === "status" && m.content.execution_state === "idle") this.done.delete(parent);
    return true;
  }

  /** The socket closed: nothing pending will be answered. */
  rejectAll(why: string) {
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new Error(why));
    }
  }

  private settle(id: string) {
    const p = this.pending.get(id);
    if (p) clearTimeout(p.timer);
    this.pending.delete(id);
    const now = Date.now();
    for (const [old, at] of this.done) if (now - at > REMEMBER_MS) this.done.delete(old);
    this.done.set(id, now);
  }
}
