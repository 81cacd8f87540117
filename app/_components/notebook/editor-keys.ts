import { type EditorView, type KeyBinding, runScopeHandlers } from "@codemirror/view";
import { runAndAdvance, runAndInsert, runInPlace } from "./commands";
import type { NotebookController } from "./controller";

/** Keys the notebook takes from the editor: run, leave, save, and arrows that cross into the next cell. */
export function editorKeys(c: NotebookController, id: string): KeyBinding[] {
  const run = (fn: (c: NotebookController) => void) => () => {
    fn(c);
    return true;
  };
  return [
    { key: "Shift-Enter", run: run(runAndAdvance) },
    { key: "Mod-Enter", run: run(runInPlace) },
    { key: "Ctrl-Enter", run: run(runInPlace) },
    { key: "Alt-Enter", run: run(runAndInsert) },
    { key: "Escape", run: run((x) => x.leaveEdit()) },
    { key: "Mod-s", preventDefault: true, run: run((x) => void x.saver.save()) },
    { key: "Ctrl-Shift--", run: run((x) => x.split(id)) },
    {
      key: "ArrowUp",
      run: (v) => {
        const s = v.state.selection.main;
        return s.empty && v.state.doc.lineAt(s.head).number === 1 && c.editNeighbour(id, -1);
      },
    },
    {
      key: "ArrowDown",
      run: (v) => {
        const s = v.state.selection.main;
        return s.empty && v.state.doc.lineAt(s.head).number === v.state.doc.lines && c.editNeighbour(id, 1);
      },
    },
  ];
}

/** What of CodeMirror's DOM observer this reads (not public API: absent, the keys stay CodeMirror's). */
interface ObserverPeek {
  observer?: { pendingRecords?: () => unknown[]; delayedFlush?: number };
}

/** The editor has taken in every change made to its DOM (typing it has not read yet would be lost to a run). */
function editorIsCurrent(view: EditorView): boolean {
  const observer = (view as unknown as ObserverPeek).observer;
  if (typeof observer?.pendingRecords !== "function" || typeof observer.delayedFlush !== "number") return false;
  return !view.composing && observer.delayedFlush < 0 && observer.pendingRecords().length === 0;
}

/**
 * Runs Shift+Enter and Ctrl/Cmd+Enter through the editor's own keymap (editorKeys, by
 * CodeMirror's runScopeHandlers) from a capture listener on `host` (the editor's parent),
 * before CodeMirror's keydown handling. Why: CodeMirror answers every keydown by asking for
 * an animation frame (its DOM observer's flush requests a measure even when nothing
 * changed), and after a key that asked for a frame Chromium holds the page's other tasks,
 * the kernel's answer among them, until that frame has run (DeferRendererTasksAfterInput).
 * Measured: Kiln sent the execution's first event 3-5 ms after the key and the page read it
 * 14-17 ms after, with the output. Run here, the key asks for nothing, and the run's changes
 * wait for the answer (NotebookController.holdView). Only when the editor is current: typing
 * it has not read yet, or a composition, leaves the key to CodeMirror's handling, which
 * flushes first and runs the same keymap. Returns the function that removes the listener.
 */
export function takeRunKeys(view: EditorView, host: HTMLElement): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Enter" || !(e.shiftKey || e.ctrlKey || e.metaKey) || e.altKey || e.isComposing || e.keyCode === 229 || e.defaultPrevented) return;
    if (!editorIsCurrent(view) || !runScopeHandlers(view, e, "editor")) return;
    e.preventDefault();
    e.stopPropagation(); // CodeMirror's own handler would run the keymap again
  };
  host.addEventListener("keydown", onKeyDown, true);
  return () => host.removeEventListener("keydown", onKeyDown, true);
}
