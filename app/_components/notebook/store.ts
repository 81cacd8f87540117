import type { EditorState } from "@codemirror/state";
import { EMPTY_RUN, runFromCell, type RunState } from "./run-state";
import { joinSource } from "./source";
import type { CellType, NbDocument } from "./types";

/** Editors kept mounted after their cells leave edit mode (see keptEditors). */
const KEPT_EDITORS = 8;

/** A cell's own content: what a save sends. Immutable; replaced on change. */
export interface CellModel {
  id: string;
  type: CellType;
  source: string;
  metadata: Record<string, unknown>;
  /** Markdown only: showing the rendered text rather than the source. */
  rendered: boolean;
  /** Bumped when the source is replaced from outside the editor (split, merge, reload): a mounted editor resets. */
  epoch: number;
}

export type Mode = "command" | "edit";
type Listener = () => void;

/**
 * The notebook held outside React, with one set of listeners per cell, so a keystroke,
 * an output or a selection change re-renders only the cells it concerns (useSyncExternalStore
 * in use-store.ts). Typing updates the source silently: the editor already shows it.
 */
export class NotebookStore {
  order: string[] = [];
  metadata: Record<string, unknown> = {};
  /** The active cell: where the keys act, the one being edited. */
  selected: string | null = null;
  /** The other end of a range selection (Shift+Up/Down), or null: then only `selected` is. */
  anchor: string | null = null;
  /** The cells of the selection, `selected` and the range to `anchor` (recomputed on change). */
  selection: ReadonlySet<string> = new Set();
  mode: Mode = "command";
  private cells = new Map<string, CellModel>();
  private runs = new Map<string, RunState>();
  /** Editor states of cells whose editor was unmounted: undo history and cursor survive leaving a cell. */
  readonly editorStates = new Map<string, EditorState>();
  private cellListeners = new Map<string, Set<Listener>>();
  private runListeners = new Map<string, Set<Listener>>();
  private orderListeners = new Set<Listener>();
  private selectionListeners = new Set<Listener>();
  private contentListeners = new Set<Listener>();

  load(doc: NbDocument): void {
    const cells = doc.cells ?? [];
    this.metadata = doc.metadata ?? {};
    const prev = this.cells;
    this.cells = new Map();
    this.runs = new Map();
    this.editorStates.clear();
    for (const c of cells) {
      const epoch = (prev.get(c.id)?.epoch ?? 0) + 1;
      this.cells.set(c.id, { id: c.id, type: c.cell_type, source: joinSource(c.source), metadata: c.metadata ?? {}, rendered: true, epoch });
      if (c.cell_type === "code") this.runs.set(c.id, runFromCell(c));
    }
    this.order = cells.map((c) => c.id);
    if (!this.selected || !this.cells.has(this.selected)) this.selected = this.order[0] ?? null;
    this.anchor = null;
    this.selection = new Set(this.selected ? [this.selected] : []);
    this.mode = "command";
    this.emitAll();
  }

  /**
   * Another view saved: its cells, with this view's outputs kept for the cells it has (the
   * same events reached both). A cell whose source or type changed gets a fresh editor.
   * Not a change of this view's: nothing is saved back.
   */
  applySaved(doc: NbDocument): void {
    const cells = doc.cells ?? [];
    this.metadata = doc.metadata ?? {};
    const next = new Map<string, CellModel>();
    for (const c of cells) {
      const prev = this.cells.get(c.id);
      const source = joinSource(c.source);
      const changed = !prev || prev.source !== source || prev.type !== c.cell_type;
      if (changed) this.editorStates.delete(c.id);
      const same = prev && !changed && JSON.stringify(prev.metadata) === JSON.stringify(c.metadata ?? {});
      next.set(c.id, same ? prev : { id: c.id, type: c.cell_type, source, metadata: c.metadata ?? {}, rendered: prev?.rendered ?? true, epoch: (prev?.epoch ?? 0) + (changed ? 1 : 0) });
      if (c.cell_type === "code" && (prev?.type !== "code" || !this.runs.has(c.id))) this.runs.set(c.id, runFromCell(c));
    }
    for (const id of [...this.runs.keys()]) if (next.get(id)?.type !== "code") this.runs.delete(id);
    this.cells = next;
    this.adoptNewerRuns(doc, true);
    this.order = cells.map((c) => c.id);
    if (!this.selected || !next.has(this.selected)) {
      this.selected = this.order[0] ?? null;
      this.mode = "command";
    }
    this.anchor = null;
    this.selection = new Set(this.selected ? [this.selected] : []);
    this.emitAll();
  }

  /**
   * Outputs the server holds from executions newer than the ones shown: what ran while this
   * view was not listening yet (between its load and its channel's opening) or while it was
   * away. A cell queued or running here is left to its events.
   */
  adoptNewerRuns(doc: NbDocument, silent = false): void {
    for (const c of doc.cells ?? []) {
      if (c.cell_type !== "code" || this.cells.get(c.id)?.type !== "code") continue;
      const stored = runFromCell(c);
      const shown = this.run(c.id);
      if (stored.executionId === null || shown.status === "queued" || shown.status === "running") continue;
      if (shown.executionId !== null && stored.executionId <= shown.executionId) continue;
      this.setRun(c.id, stored, silent);
    }
  }

  /** The cells as a save sends them (outputs are Kiln's, never sent). */
  toSave(): { id: string; cell_type: CellType; source: string; metadata: Record<string, unknown> }[] {
    return this.order.map((id) => {
      const c = this.cells.get(id)!;
      return { id, cell_type: c.type, source: c.source, metadata: c.metadata };
    });
  }

  cell(id: string): CellModel | undefined {
    return this.cells.get(id);
  }
  run(id: string): RunState {
    return this.runs.get(id) ?? EMPTY_RUN;
  }
  index(id: string): number {
    return this.order.indexOf(id);
  }

  /** From the mounted editor: no re-render (the editor shows it), but the save must know. */
  typed(id: string, source: string): void {
    const c = this.cells.get(id);
    if (!c || c.source === source) return;
    this.cells.set(id, { ...c, source });
    this.emit(this.contentListeners);
  }

  /** Something a save must send changed without a cell changing (notebook metadata, a put-back version). */
  markChanged(): void {
    this.emit(this.contentListeners);
  }

  setCell(id: string, patch: Partial<Omit<CellModel, "id">>, opts: { content?: boolean } = {}): void {
    const c = this.cells.get(id);
    if (!c) return;
    const replaced = patch.source !== undefined && patch.source !== c.source;
    if (replaced) this.editorStates.delete(id);
    this.cells.set(id, { ...c, ...patch, epoch: replaced ? c.epoch + 1 : c.epoch });
    this.emit(this.cellListeners.get(id));
    if (opts.content !== false) this.emit(this.contentListeners);
  }

  insert(index: number, cell: CellModel, run?: RunState): void {
    this.cells.set(cell.id, cell);
    if (run) this.runs.set(cell.id, run);
    this.order = [...this.order.slice(0, index), cell.id, ...this.order.slice(index)];
    this.emit(this.orderListeners);
    this.emit(this.contentListeners);
  }

  remove(id: string): { cell: CellModel; run: RunState; index: number } | null {
    const cell = this.cells.get(id);
    const index = this.order.indexOf(id);
    if (!cell || index < 0) return null;
    const run = this.run(id);
    this.order = this.order.filter((x) => x !== id);
    this.cells.delete(id);
    this.runs.delete(id);
    this.editorStates.delete(id);
    this.emit(this.orderListeners);
    this.emit(this.contentListeners);
    return { cell, run, index };
  }

  move(id: string, to: number): void {
    const from = this.order.indexOf(id);
    if (from < 0 || to < 0 || to >= this.order.length || to === from) return;
    const order = this.order.filter((x) => x !== id);
    order.splice(to, 0, id);
    this.order = order;
    this.emit(this.orderListeners);
    this.emit(this.contentListeners);
  }

  /** Runs change in batches (events.ts): set silently, then notify the touched cells once. */
  setRun(id: string, run: RunState, silent = false): void {
    if (!this.cells.has(id)) return;
    this.runs.set(id, run);
    if (!silent) this.emit(this.runListeners.get(id));
  }
  notifyRun(id: string): void {
    this.emit(this.runListeners.get(id));
  }
  forEachRun(fn: (id: string, run: RunState) => void): void {
    for (const [id, run] of this.runs) fn(id, run);
  }

  select(id: string | null, mode: Mode = this.mode): void {
    if (id === this.selected && mode === this.mode && this.anchor === null) return;
    if (id !== this.selected || mode !== "edit") this.keepEditor();
    this.selected = id;
    this.anchor = null;
    this.mode = mode;
    this.selection = new Set(id ? [id] : []);
    this.emit(this.selectionListeners);
  }

  /** Shift+Up/Down: the active cell moves, the range from where it started stays selected. */
  extendSelection(to: string): void {
    if (!this.selected || !this.cells.has(to)) return;
    this.keepEditor();
    const anchor = this.anchor ?? this.selected;
    const [a, b] = [this.order.indexOf(anchor), this.order.indexOf(to)].sort((x, y) => x - y);
    this.anchor = anchor === to ? null : anchor;
    this.selected = to;
    this.mode = "command";
    this.selection = new Set(this.order.slice(a, b! + 1));
    this.emit(this.selectionListeners);
  }

  /**
   * The cells whose editors stay mounted after they leave edit mode, most recent last (at
   * most KEPT_EDITORS). Swapping an editor for the static view at once (destroying
   * CodeMirror, highlighting the source again) cost about 10 ms of the main thread right
   * after Shift+Enter, when the kernel's answer arrives; an unfocused editor looks the same.
   */
  keptEditors: readonly string[] = [];

  private keepEditor() {
    const id = this.selected;
    if (this.mode !== "edit" || !id) return;
    const kept = this.keptEditors.filter((x) => x !== id && this.cells.has(x));
    kept.push(id);
    this.keptEditors = kept.slice(-KEPT_EDITORS);
  }

  /** The selected cells in notebook order. */
  selectedIds(): string[] {
    return this.order.filter((id) => this.selection.has(id));
  }

  subscribeCell = (id: string, l: Listener) => this.add(this.cellListeners, id, l);
  subscribeRun = (id: string, l: Listener) => this.add(this.runListeners, id, l);
  subscribeOrder = (l: Listener) => this.addTo(this.orderListeners, l);
  subscribeSelection = (l: Listener) => this.addTo(this.selectionListeners, l);
  subscribeContent = (l: Listener) => this.addTo(this.contentListeners, l);

  private add(map: Map<string, Set<Listener>>, id: string, l: Listener): () => void {
    let set = map.get(id);
    if (!set) map.set(id, (set = new Set()));
    set.add(l);
    return () => {
      set.delete(l);
      if (set.size === 0 && map.get(id) === set) map.delete(id);
    };
  }
  private addTo(set: Set<Listener>, l: Listener): () => void {
    set.add(l);
    return () => void set.delete(l);
  }
  /** Listener sets whose notification waits for release() (see hold()). */
  private held: Set<Set<Listener>> | null = null;

  /**
   * Changes still happen at once (the store is always current); the views hear of them on
   * release(), all together: used to paint a run key's answer in the same frame as the
   * kernel's (NotebookController.holdView).
   */
  hold(): void {
    this.held ??= new Set();
  }
  release(): void {
    const held = this.held;
    this.held = null;
    if (held) for (const set of held) this.emit(set);
  }

  private emit(set: Set<Listener> | undefined): void {
    if (!set) return;
    if (this.held) this.held.add(set);
    else for (const l of [...set]) l();
  }
  private emitAll(): void {
    this.emit(this.orderListeners);
    this.emit(this.selectionListeners);
    for (const set of this.cellListeners.values()) this.emit(set);
    for (const set of this.runListeners.values()) this.emit(set);
  }
}

export function newCell(id: string, type: CellType, source = ""): CellModel {
  return { id, type, source, metadata: {}, rendered: false, epoch: 1 };
}

