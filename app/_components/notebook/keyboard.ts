import { runAndAdvance, runAndInsert, runInPlace } from "./commands";
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
 * Jupyter's command mode: A/B insert, D D delete, Z undo delete, M/Y/R cell type,
 * Up/Down or K/J move, Enter edits, Shift/Ctrl/Alt+Enter run. Returns true when handled.
 */
export function createCommandKeys(c: NotebookController): (e: KeyboardEvent) => boolean {
  let lastD = 0;
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
    switch (e.key.toLowerCase()) {
      case "a":
        c.insert("above");
        return true;
      case "b":
        c.insert("below");
        return true;
      case "d": {
        const now = performance.now();
        if (now - lastD < DOUBLE_MS) {
          lastD = 0;
          c.remove(id);
        } else lastD = now;
        return true;
      }
      case "z":
        c.undoRemove();
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
      default:
        return false;
    }
  };
}
