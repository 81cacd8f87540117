import { api, userPath } from "../api";
import type { NotebookController } from "./controller";
import { applyExecution, clearOutputs, EMPTY_RUN, type RunState } from "./run-state";
import { Signal } from "./signal";
import type { ExecutionModel, KernelModel } from "./types";

export interface NoServerState {
  /** The cells that were waiting to run: they run once a server is up. */
  pending: string[];
  starting: boolean;
  message: string;
}

type Queued = { id: string; prev: RunState };

/**
 * Running cells: executions are sent one at a time, in order (the server queues them
 * in arrival order, and parallel requests could arrive shuffled). Their progress and
 * outputs come back on the event stream (apply-events.ts).
 */
export class Runner {
  readonly noServer = new Signal<NoServerState | null>(null);
  private chain: Promise<unknown> = Promise.resolve();
  /** Batches sent or waiting to be: with none, the next one leaves at once, in the key's own handler. */
  private ahead = 0;
  /** Cells run while no server was up: shown queued ("[*]") until it is, or until dismissed. */
  private waiting: Queued[] = [];

  constructor(private readonly c: NotebookController) {}

  run(ids: string[]): Promise<void> {
    const { store } = this.c;
    const queued: Queued[] = [];
    for (const id of ids) {
      const cell = store.cell(id);
      if (!cell) continue;
      if (cell.type === "markdown") this.c.setRendered(id);
      if (cell.type !== "code") continue;
      const prev = store.run(id);
      // An empty code cell runs nothing, as in JupyterLab: it just loses its outputs.
      if (!cell.source.trim()) {
        store.setRun(id, { ...EMPTY_RUN, executionId: prev.executionId });
        if (prev.outputs.length) void api(`${this.c.path}/clear-outputs`, { method: "POST", body: { cell_ids: [id] } });
      } else {
        store.setRun(id, { ...prev, status: "queued", input: null });
        queued.push({ id, prev });
      }
    }
    return this.enqueue(queued);
  }

  private enqueue(queued: Queued[]): Promise<void> {
    if (queued.length === 0) return Promise.resolve();
    const send = () => this.send(queued).finally(() => this.ahead--);
    const p = this.ahead++ === 0 ? send() : this.chain.then(send);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /**
   * The source travels with the command, so nothing waits for a save: the autosave stores
   * it beside, a second after the last keystroke, as for any edit (outputs of a cell that no
   * save has brought into the stored notebook yet are written there once one has:
   * lib/execution/cell-writer.ts). Saving at each run, even beside it, held the kernel's
   * answer up behind the save on the server.
   */
  private async send(queued: Queued[]): Promise<void> {
    const { store } = this.c;
    for (let i = 0; i < queued.length; i++) {
      const { id } = queued[i]!;
      const cell = store.cell(id);
      if (!cell) continue;
      const res = await this.c.command<ExecutionModel>("execute", { cell_id: id, code: cell.source });
      if (res.ok) {
        store.setRun(id, applyExecution(store.run(id), res.data.id, res.data.status, res.data.execution_count));
        continue;
      }
      this.c.releaseView(); // the answer is this error: nothing more to wait for
      const rest = queued.slice(i);
      if (res.error.code === "no_server") {
        const ids = new Set(rest.map((q) => q.id));
        this.waiting = [...this.waiting.filter((q) => !ids.has(q.id)), ...rest];
        this.noServer.set({ pending: this.waiting.map((q) => q.id), starting: this.noServer.get()?.starting ?? false, message: this.noServer.get()?.message ?? "" });
      } else {
        this.revert(rest);
        this.c.error.set(`Could not run the cell: ${res.error.message}`);
      }
      return;
    }
  }

  /** "Dismiss" on the no-server banner: the cells that were waiting go back to what they showed. */
  dismissNoServer(): void {
    this.revert(this.waiting);
    this.waiting = [];
    this.noServer.set(null);
  }

  /** Cells that never reached the server show what they showed before. */
  private revert(queued: Queued[]): void {
    for (const { id, prev } of queued) {
      const now = this.c.store.run(id);
      if (now.status === "queued" && now.executionId === prev.executionId) this.c.store.setRun(id, { ...now, status: prev.status });
    }
  }

  /** Starts the user's default server, waits until it is ready, then runs what was waiting. */
  async startServer(): Promise<void> {
    const waiting = this.noServer.get();
    if (!waiting || waiting.starting) return;
    this.noServer.set({ ...waiting, starting: true, message: "Starting your server…" });
    const res = await api(`${userPath(this.c.user)}/server`, { method: "POST", body: {} });
    if (!res.ok && !/already/i.test(res.error.message)) {
      this.noServer.set({ ...(this.noServer.get() ?? waiting), starting: false, message: res.error.message });
      return;
    }
    const deadline = Date.now() + 180_000;
    for (;;) {
      const k = await this.c.refreshKernel();
      if (k?.server?.ready) break;
      if (Date.now() > deadline) {
        this.noServer.set({ ...(this.noServer.get() ?? waiting), starting: false, message: "The server did not become ready in time. See the Servers page." });
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    await this.resumeWaiting();
  }

  /** A server is up (started here, or elsewhere): the cells that were waiting for it run now. */
  resumeWaiting(): Promise<void> {
    const queued = this.waiting;
    this.waiting = [];
    this.noServer.set(null);
    return this.enqueue(queued);
  }

  get hasWaiting(): boolean {
    return this.waiting.length > 0;
  }

  async interrupt(): Promise<void> {
    const res = await this.c.command<KernelModel>("interrupt");
    if (res.ok) this.c.kernel.set(res.data);
    else this.c.error.set(res.error.message);
  }

  async restart(): Promise<boolean> {
    // What runs now is what the restart ends; a cell run after the kernel is back (its "idle"
    // can arrive before this command's answer) is not.
    const ending = new Map<string, number | null>();
    this.c.store.forEachRun((id, run) => {
      if (run.status === "queued" || run.status === "running") ending.set(id, run.executionId);
    });
    this.c.kernel.set(this.c.kernel.get() ? { ...this.c.kernel.get()!, state: "restarting", reason: null } : null);
    const res = await this.c.command<KernelModel>("restart");
    if (!res.ok) {
      if (res.error.code === "no_server") this.noServer.set({ pending: [], starting: false, message: "" });
      else this.c.error.set(res.error.message);
      void this.c.refreshKernel();
      return false;
    }
    this.c.kernel.set(res.data);
    // A restart ends every execution; the server says so too, this just does not wait for it.
    this.c.store.forEachRun((id, run) => {
      const was = ending.get(id);
      if (was !== undefined && was === run.executionId && (run.status === "queued" || run.status === "running")) this.c.store.setRun(id, { ...run, status: "aborted", input: null });
    });
    return true;
  }

  async clear(ids?: string[]): Promise<void> {
    const { store } = this.c;
    for (const id of ids ?? store.order) {
      const run = store.run(id);
      if (run.outputs.length || run.executionCount !== null) store.setRun(id, { ...clearOutputs(run, false), executionCount: null });
    }
    const res = await api(`${this.c.path}/clear-outputs`, { method: "POST", body: ids ? { cell_ids: ids } : {} });
    if (!res.ok) this.c.error.set(res.error.message);
  }
}
