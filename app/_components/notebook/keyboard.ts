import { copyCells, cutCells, deleteCells, extendSelection, mergeCells, pasteCells } from "./cell-ops";
import { restartKernel, runAndAdvance, runAndInsert, runInPlace } from "./commands";
import type { NotebookController } from "./controller";

const DOUBLE_MS = 600;

/** Typing targets keep their keys; command mode is when focus is on a cell, the notebook or nothing. */
function commandTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return true;
  if (t === document.body) return true;
  if (t.closest("input, textarea, select, button, a, summary, [contenteditable='true'], .cm-editor, dialog")) return false;
  return t.matches("[data-testid='cell']") || t.closest(".nb-cells") !== null;
}

/**
 * JupyterLab's command mode: A/B insert, D,D delete, Z undo delete, C/X/V copy, cut and
 * paste (Shift+V above), Shift+M merge, M/Y/R cell type, Up/Down or K/J move, Shift+Up/Down
 * (Shift+K/J) extend the selection, I,I interrupt, 0,0 restart (asked first), H or ? the
 * shortcut list, Enter edits, Shift/Ctrl/Alt+Enter run. Returns true when handled.
 */
export function createCommandKeys(c: NotebookController): (e: KeyboardEvent) => boolean {
  let last = { key: "", at: 0 };
  /** True on the second press of `key` within DOUBLE_MS (D,D; I,I; 0,0). */
  const twice = (key: string) => {
    const now = performance.now();
    const hit = last.key === key && now - last.at < DOUBLE_MS;
    last = hit ? { key: "", at: 0 } : { key, at: now };
    return hit;
  };
  return (e) => {
    if (e.defaultPrevented || !commandTarget(e.target)) return false;
    const id = c.store.selected;
    if (!id) return false;
    if (e.key === "Enter") {
      if (e.shiftKey) runAndAdvance(c);
      else if (e.ctrlKey || e.metaKey) runInPlace(c);
      else if (e.altKey) runAndInsert(c);
      else c.edit(id);
      return true;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === "?") return (c.help.set(true), true);
    if (e.shiftKey) {
      switch (e.key.toLowerCase()) {
        case "arrowup":
        case "k":
          return (extendSelection(c, -1), true);
        case "arrowdown":
        case "j":
          return (extendSelection(c, 1), true);
        case "v":
          return (pasteCells(c, "above"), true);
        case "m":
          return (mergeCells(c), true);
        default:
          return false;
      }
    }
    switch (e.key.toLowerCase()) {
      case "a":
        c.insert("above");
        return true;
      case "b":
        c.insert("below");
        return true;
      case "d":
        if (twice("d")) deleteCells(c);
        return true;
      case "i":
        if (twice("i")) void c.runner.interrupt();
        return true;
      case "0":
        if (twice("0")) void restartKernel(c);
        return true;
      case "z":
        c.undoRemove();
        return true;
      case "c":
        copyCells(c);
        return true;
      case "x":
        cutCells(c);
        return true;
      case "v":
        pasteCells(c, "below");
        return true;
      case "h":
        c.help.set(true);
        return true;
      case "m":
        c.changeType(id, "markdown");
        return true;
      case "y":
        c.changeType(id, "code");
        return true;
      case "r":
        c.changeType(id, "raw");
        return true;
      case "arrowup":
      case "k":
        c.moveSelection(-1);
        return true;
      case "arrowdown":
      case "j":
        c.moveSelection(1);
        return true;
      case "escape":
        c.select(id, "command"); // a range selection shrinks back to the active cell
        return true;
      default:
        return false;
    }
  };
}
