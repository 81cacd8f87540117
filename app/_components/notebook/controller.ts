import type { EditorView } from "@codemirror/view";
import type { ChannelOp } from "@/lib/execution/channel-protocol";
import { api, type ApiResult } from "../api";
import { applyEvents } from "./apply-events";
import { type NotebookChannel, openChannel } from "./channel";
import { EMPTY_RUN, runFromCell, type RunState } from "./run-state";
import { Runner } from "./runner";
import { Saver } from "./saver";
import { Signal } from "./signal";
import { newCellId } from "./source";
import { type CellModel, type Mode, newCell, NotebookStore } from "./store";
import type { CellType, KernelModel, NbCell, NotebookEvent, NotebookModel } from "./types";

export interface ConflictState {
  /** The cells as this page had them when the save was refused, to put back on request. */
  mine: ReturnType<NotebookStore["toSave"]>;
}

/** A question the page asks before doing something that cannot be undone (a restart). */
export interface Question {
  title: string;
  body: string;
  confirm: string;
  answer: (yes: boolean) => void;
}

export type Panel = "contents" | "cell" | "variables" | "revisions" | "promote";

/** A pipeline step some of the notebook's cells became. */
export interface CellStep {
  pipeline_id: number;
  pipeline: string;
  version: number;
  step: string;
  cell_ids: string[];
  up_to_date: boolean;
}

/** The longest a run key's answer waits for the kernel's (holdView): well under the 100 ms that still reads as instant. */
const HOLD_MS = 50;

/** What ends a held answer early: the user acting again sees the page as it now is. */
const INTERRUPTING = ["keydown", "pointerdown", "wheel"] as const;

/** An event that answers a run: anything but a cell being queued or starting, or the kernel going busy with it. */
const answers = (e: NotebookEvent) => (e.type === "execution" ? e.status !== "queued" && e.status !== "running" : !(e.type === "kernel" && e.state === "busy"));

/**
 * Runs `fn` once the next frame has been painted: a task posted from that frame's animation
 * callbacks runs after its paint. A hidden tab paints no frames: the timer stands in.
 */
function afterNextPaint(fn: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    fn();
  };
  const timer = setTimeout(run, 100);
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = run;
    ch.port2.postMessage(0);
  });
}

/** The REST twins of channel commands, for while the socket is down; the others (completion, help) wait for it. */
const REST: Partial<Record<ChannelOp, string>> = { execute: "execute", interrupt: "kernel/interrupt", restart: "kernel/restart", input: "input" };

/**
 * Everything a notebook page can do, outside React: components call these methods and
 * read the store and signals; none of them holds notebook state of its own.
 */
export class NotebookController {
  readonly store = new NotebookStore();
  readonly saver: Saver;
  readonly runner: Runner;
  readonly name: Signal<string>;
  readonly kernel = new Signal<KernelModel | null>(null);
  readonly connected = new Signal(true);
  readonly conflict = new Signal<ConflictState | null>(null);
  readonly error = new Signal("");
  readonly question = new Signal<Question | null>(null);
  /** The keyboard shortcuts' list (H, or "?"). */
  readonly help = new Signal(false);
  /** The side panel open beside the cells, if any. */
  readonly panel = new Signal<Panel | null>(null);
  /** Pipeline steps this notebook's cells became (lib/pipelines/promote.ts); null until read. */
  readonly steps = new Signal<CellStep[] | null>(null);
  /** Cell wrappers and mounted editors, registered by the components, for focus moves. */
  readonly elements = new Map<string, HTMLElement>();
  readonly editors = new Map<string, EditorView>();
  /** Where the caret goes when a cell's editor mounts (the click position in the static view). */
  readonly pendingCursor = new Map<string, number>();
  private wantFocus: string | null = null;
  /** While a run key's answer is held (holdView): its end timer and the focus move it made. */
  private viewHold: ReturnType<typeof setTimeout> | null = null;
  private heldFocus: (() => void) | null = null;
  /**
   * Events not applied yet, in order: during a hold, those before its answer (each would cost
   * a render on the answer's way to the screen: the kernel's state is not held); after the
   * answer, those arriving before the frame that paints it (the cell's end and the kernel's
   * idle, a render each inside that frame), applied once it is painted.
   */
  private waiting: NotebookEvent[] = [];
  private answerUnpainted = false;
  private trash: { cell: CellModel; run: RunState; index: number }[] = [];
  private channel: NotebookChannel | null = null;
  private caughtUp = false;
  private offSaved: (() => void) | null = null;

  constructor(readonly notebookId: number, readonly user: string, model: NotebookModel) {
    this.name = new Signal(model.name);
    this.store.load(model.content);
    if (this.store.order.length === 0) this.store.insert(0, newCell(newCellId(), "code"));
    this.saver = new Saver(notebookId, this.store, model.revision, () => void this.onConflict());
    this.runner = new Runner(this);
  }

  get path(): string {
    return `/api/notebooks/${this.notebookId}`;
  }

  /** Which cells became pipeline steps, and whether each step still runs them as they are. */
  async refreshSteps(): Promise<void> {
    const r = await api<{ steps: CellStep[] }>(`/api/notebooks/${this.notebookId}/steps`);
    if (r.ok) this.steps.set(r.data.steps);
  }

  start(): void {
    // passive: a wheel listener that is not would make every scroll wait for the main thread
    for (const type of INTERRUPTING) window.addEventListener(type, this.endHold, { capture: true, passive: true });
    void this.refreshKernel();
    void this.refreshSteps();
    // A saved edit may leave a step behind its cells (or catch up with it): the marks follow.
    this.offSaved = this.saver.state.subscribe(() => {
      if (this.saver.state.get().kind === "saved" && this.steps.get()?.length) void this.refreshSteps();
    });
    this.channel = openChannel(this.notebookId, {
      apply: (events) => {
        this.waiting.push(...events);
        if (this.viewHold) {
          if (!events.some(answers)) return;
          this.releaseView(); // applies the waiting events, the answer with them
          this.answerUnpainted = true;
          return afterNextPaint(() => {
            this.answerUnpainted = false;
            if (!this.viewHold) this.applyWaiting();
          });
        }
        if (!this.answerUnpainted) this.applyWaiting();
      },
      connected: (open) => {
        // Back after a drop: the kernel (or the server) may have changed meanwhile.
        if (open && !this.connected.get()) void this.refreshKernel();
        // Listening now: what finished between the page's load and this moment is fetched once.
        if (open && !this.caughtUp) void this.catchUp();
        this.connected.set(open);
      },
      reopened: () => void this.reloadOutputs(),
      eager: () => this.viewHold !== null,
    });
  }

  stop(): void {
    for (const type of INTERRUPTING) window.removeEventListener(type, this.endHold, { capture: true });
    this.releaseView();
    this.offSaved?.();
    this.channel?.close();
    void this.saver.save();
  }

  /**
   * A kernel command: on the notebook's WebSocket channel when it is open, else the
   * matching REST call (the same verbs and answers behind both).
   */
  command<T>(op: ChannelOp, body?: Record<string, unknown>): Promise<ApiResult<T>> {
    const sent = this.channel?.request<T>(op, body);
    if (sent) return sent;
    const rest = REST[op];
    if (!rest) return Promise.resolve({ ok: false, error: { status: 0, code: "network", message: "Not connected to Kiln: reconnecting…" } });
    return api<T>(`${this.path}/${rest}`, { method: "POST", body });
  }

  async refreshKernel(): Promise<KernelModel | null> {
    const res = await api<KernelModel>(`${this.path}/kernel`);
    if (!res.ok) return null;
    this.kernel.set(res.data);
    // A server that came up elsewhere (the Servers page) runs the cells that were waiting for one.
    if (res.data.server?.ready && this.runner.hasWaiting && !this.runner.noServer.get()?.starting) void this.runner.resumeWaiting();
    return res.data;
  }

  /** Asks the user (a modal dialog); resolves with the answer. */
  confirm(q: Omit<Question, "answer">): Promise<boolean> {
    this.question.get()?.answer(false);
    return new Promise((resolve) => this.question.set({ ...q, answer: (yes) => (this.question.set(null), resolve(yes)) }));
  }

  /** Sets a cell's metadata (tags, collapsed input or outputs): saved like its source. */
  setMetadata(id: string, metadata: Record<string, unknown>): void {
    this.store.setCell(id, { metadata });
  }

  private async catchUp(): Promise<void> {
    this.caughtUp = true;
    const res = await api<NotebookModel>(this.path);
    if (res.ok) this.store.adoptNewerRuns(res.data.content);
  }

  /** After the event stream lost history: outputs and counts from the server; sources stay as typed here. */
  async reloadOutputs(): Promise<void> {
    const res = await api<NotebookModel>(this.path);
    if (!res.ok) return this.error.set(res.error.message);
    for (const c of res.data.content.cells) {
      if (c.cell_type !== "code" || !this.store.cell(c.id)) continue;
      // A running cell was rebuilt from the replay that follows the reset (its events from the start).
      const now = this.store.run(c.id).status;
      if (now !== "queued" && now !== "running") this.store.setRun(c.id, runFromCell(c));
    }
    void this.refreshKernel();
  }

  /** Someone saved since this page's revision: load theirs, keep ours aside to put back on request. */
  private async onConflict(): Promise<void> {
    const mine = this.store.toSave();
    const res = await api<NotebookModel>(this.path);
    if (!res.ok) return this.error.set(res.error.message);
    this.replace(res.data);
    this.conflict.set({ mine });
  }

  /** Shows a model from the server (a reload, a restored revision); nothing is left pending. */
  replace(model: NotebookModel): void {
    this.store.load(model.content);
    if (this.store.order.length === 0) this.store.insert(0, newCell(newCellId(), "code"));
    this.saver.reset(model.revision);
    this.name.set(model.name);
  }

  /** "Keep my version": our cells on top of the latest revision, outputs as the server has them. */
  keepMine(): void {
    const c = this.conflict.get();
    if (!c) return;
    const outputs = new Map<string, RunState>();
    this.store.forEachRun((id, run) => outputs.set(id, run));
    const cells: NbCell[] = c.mine.map((x) => ({ ...x, outputs: [] }));
    this.store.load({ nbformat: 4, nbformat_minor: 5, metadata: this.store.metadata, cells });
    for (const [id, run] of outputs) if (this.store.cell(id)?.type === "code") this.store.setRun(id, run);
    this.conflict.set(null);
    this.saver.reset(this.saver.revision);
    this.store.markChanged(); // the autosave sends it
  }

  // ---- selection and modes ----

  select(id: string, mode: Mode = "command"): void {
    this.store.select(id, mode);
    if (mode === "command") this.focusCell(id);
    else if (this.viewHold) this.heldFocus = () => this.editors.get(id)?.focus();
    else this.editors.get(id)?.focus();
  }

  /**
   * Holds what a run key changes on the page (the cell's [*], the selection moving on, the
   * focus) until the kernel's first answer, at most HOLD_MS, and paints them together.
   * Why: after a key, Chromium holds the page's other tasks (the socket's messages included)
   * until the frame that key asked for has run (DeferRendererTasksAfterInput), so an answer
   * arriving meanwhile waited a frame more. A key that changes nothing at once asks for no
   * frame: the answer is read when it comes and painted in the next frame, with the key's
   * own changes; a cell answering within HOLD_MS never flashes [*]. Any key, click or wheel
   * ends the hold first, so the user always acts on the page as it is.
   */
  holdView(): void {
    if (this.viewHold) return;
    this.store.hold();
    this.viewHold = setTimeout(() => this.releaseView(), HOLD_MS);
  }

  private readonly endHold = () => this.releaseView();

  releaseView(): void {
    if (!this.viewHold) return;
    clearTimeout(this.viewHold);
    this.viewHold = null;
    const focus = this.heldFocus;
    this.heldFocus = null;
    this.store.release();
    this.applyWaiting();
    // After React's render (a microtask, asked for by the changes above): the focus move's
    // layout (scrollIntoView) is then the new page's, the one the frame paints, not the old
    // page's laid out once more; and the next cell is scrolled to where the output left it.
    if (focus) queueMicrotask(focus);
  }

  private applyWaiting(): void {
    if (this.waiting.length) applyEvents(this, this.waiting.splice(0));
  }

  /** Moves focus to a cell's wrapper now, or once it has rendered (a new cell). */
  focusCell(id: string): void {
    if (this.viewHold) return void (this.heldFocus = () => this.focusCell(id));
    const el = this.elements.get(id);
    if (!el) return void (this.wantFocus = id);
    if (document.activeElement !== el) el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }
  takeFocus(id: string): boolean {
    if (this.wantFocus !== id) return false;
    this.wantFocus = null;
    return true;
  }

  edit(id: string, cursor?: number): void {
    const cell = this.store.cell(id);
    if (!cell) return;
    if (cursor !== undefined) this.pendingCursor.set(id, cursor);
    if (cell.type === "markdown" && cell.rendered) this.store.setCell(id, { rendered: false }, { content: false });
    this.select(id, "edit");
  }

  leaveEdit(): void {
    const id = this.store.selected;
    if (!id) return;
    // before the editor unmounts, so focus never falls to <body> (a held view unmounts nothing before its release)
    const focus = () => this.elements.get(id)?.focus({ preventScroll: true });
    if (this.viewHold) this.heldFocus = focus;
    else focus();
    this.store.select(id, "command");
  }

  moveSelection(delta: number): void {
    const order = this.store.order;
    const i = this.store.selected ? order.indexOf(this.store.selected) : -1;
    const next = order[Math.min(Math.max(i + delta, 0), order.length - 1)];
    if (next) this.select(next, "command");
  }

  /** From an editor: the arrow key left its first or last line, so the caret goes to the neighbour cell. */
  editNeighbour(id: string, delta: -1 | 1): boolean {
    const i = this.store.index(id) + delta;
    const next = this.store.order[i];
    if (!next) return false;
    const cell = this.store.cell(next)!;
    if (cell.type === "markdown" && cell.rendered) {
      this.select(next, "command");
      return true;
    }
    this.edit(next, delta < 0 ? cell.source.length : 0);
    return true;
  }

  // ---- structure ----

  insert(where: "above" | "below", opts: { type?: CellType; edit?: boolean; source?: string; at?: string } = {}): string {
    const anchor = opts.at ?? this.store.selected;
    const i = anchor ? this.store.index(anchor) : this.store.order.length - 1;
    const index = where === "above" ? Math.max(i, 0) : i + 1;
    const cell = newCell(newCellId(), opts.type ?? "code", opts.source ?? "");
    this.store.insert(index, cell);
    if (opts.edit) this.edit(cell.id, 0);
    else this.select(cell.id, "command");
    return cell.id;
  }

  remove(id: string): void {
    const gone = this.store.remove(id);
    if (!gone) return;
    this.trash.push(gone);
    if (this.trash.length > 50) this.trash.shift();
    if (this.store.order.length === 0) this.store.insert(0, newCell(newCellId(), "code"));
    const next = this.store.order[Math.min(gone.index, this.store.order.length - 1)]!;
    this.select(next, "command");
  }

  undoRemove(): void {
    const last = this.trash.pop();
    if (!last) return;
    this.store.insert(Math.min(last.index, this.store.order.length), last.cell, last.run);
    this.select(last.cell.id, "command");
  }

  move(id: string, delta: number): void {
    this.store.move(id, this.store.index(id) + delta);
    if (this.store.mode === "edit") this.editors.get(id)?.focus();
    else this.focusCell(id);
  }

  changeType(id: string, type: CellType): void {
    const cell = this.store.cell(id);
    if (!cell || cell.type === type) return;
    this.store.editorStates.delete(id); // its language was the old type's; the bumped epoch remounts the editor
    this.store.setRun(id, EMPTY_RUN);
    this.store.setCell(id, { type, rendered: false, epoch: cell.epoch + 1 });
  }

  /** Split at the caret: the text after it becomes a new cell below, with the caret at its start. */
  split(id: string): void {
    const cell = this.store.cell(id);
    if (!cell) return;
    const head = this.editors.get(id)?.state.selection.main.head ?? this.store.editorStates.get(id)?.selection.main.head ?? cell.source.length;
    const before = cell.source.slice(0, head).replace(/\n$/, "");
    const after = cell.source.slice(head).replace(/^\n/, "");
    this.store.setCell(id, { source: before });
    this.insert("below", { type: cell.type, source: after, at: id, edit: true });
  }

  mergeWithNext(id: string): void {
    const cell = this.store.cell(id);
    const next = this.store.order[this.store.index(id) + 1];
    const other = next ? this.store.cell(next) : undefined;
    if (!cell || !other) return;
    const source = [cell.source, other.source].filter((s) => s !== "").join("\n");
    this.store.setCell(id, { source });
    this.remove(other.id);
    this.select(id, this.store.mode);
  }

  setRendered(id: string): void {
    const cell = this.store.cell(id);
    if (cell?.type === "markdown" && !cell.rendered) this.store.setCell(id, { rendered: true }, { content: false });
  }
}
