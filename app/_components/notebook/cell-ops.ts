import type { NotebookController } from "./controller";
import { newCellId } from "./source";
import { newCell } from "./store";
import type { CellType } from "./types";

/** What C and X keep and V pastes: a cell's content. Outputs are Kiln's records of a run, so they stay behind. */
interface ClipCell {
  type: CellType;
  source: string;
  metadata: Record<string, unknown>;
}

// In localStorage, so a cell copied in one notebook pastes into another (as one JupyterLab window does).
const KEY = "kiln.notebook.clipboard";
let memory: ClipCell[] = [];

function readClipboard(): ClipCell[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? "null") as ClipCell[] | null;
    return Array.isArray(v) ? v : memory;
  } catch {
    return memory;
  }
}

function writeClipboard(cells: ClipCell[]): void {
  memory = cells;
  try {
    localStorage.setItem(KEY, JSON.stringify(cells));
  } catch {
    /* storage full or disabled: this page's copy still works */
  }
}

/** C: the selected cells, in order. */
export function copyCells(c: NotebookController): void {
  const cells = c.store.selectedIds().map((id) => c.store.cell(id)!);
  const clean = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== "kiln"));
  writeClipboard(cells.map((x) => ({ type: x.type, source: x.source, metadata: clean(x.metadata) })));
}

/** X: copy, then delete (Z brings them back). */
export function cutCells(c: NotebookController): void {
  copyCells(c);
  deleteCells(c);
}

/** V below the active cell, Shift+V above: new cells (new ids), the first of them selected. */
export function pasteCells(c: NotebookController, where: "above" | "below"): void {
  const clip = readClipboard();
  const at = c.store.selected;
  if (clip.length === 0 || !at) return;
  const ids = where === "below" ? c.store.selectedIds() : [at];
  const anchor = where === "below" ? (ids.at(-1) ?? at) : at;
  let index = c.store.index(anchor) + (where === "below" ? 1 : 0);
  let first: string | null = null;
  for (const x of clip) {
    const cell = { ...newCell(newCellId(), x.type, x.source), metadata: x.metadata, rendered: x.type === "markdown" };
    c.store.insert(index++, cell);
    first ??= cell.id;
  }
  if (first) c.select(first, "command");
}

/** D,D: the selected cells, bottom first, so Z puts them back in order. */
export function deleteCells(c: NotebookController): void {
  for (const id of c.store.selectedIds().reverse()) c.remove(id);
}

/** Shift+M: the selected cells become the first of them; one cell merges with the next. */
export function mergeCells(c: NotebookController): void {
  const ids = c.store.selectedIds();
  if (ids.length < 2) {
    if (c.store.selected) c.mergeWithNext(c.store.selected);
    return;
  }
  const [first, ...rest] = ids as [string, ...string[]];
  const source = ids.map((id) => c.store.cell(id)!.source).filter((s) => s !== "").join("\n\n");
  c.store.setCell(first, { source });
  for (const id of rest.reverse()) c.remove(id);
  c.select(first, "command");
}

/** Shift+Up/Down (or Shift+K/J): the selection grows or shrinks by one cell. */
export function extendSelection(c: NotebookController, delta: -1 | 1): void {
  const order = c.store.order;
  const i = c.store.selected ? order.indexOf(c.store.selected) : -1;
  const to = order[i + delta];
  if (i < 0 || !to) return;
  c.store.extendSelection(to);
  c.focusCell(to);
}
