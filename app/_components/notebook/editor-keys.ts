import type { EditorView, KeyBinding } from "@codemirror/view";
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
 * Takes Shift+Enter and Ctrl/Cmd+Enter on `host` (the editor's parent) before CodeMirror
 * sees them. Why: CodeMirror answers every keydown by asking for an animation frame (its
 * DOM observer's flush requests a measure even when nothing changed), and after a key that
 * asked for a frame Chromium holds the page's other tasks, the kernel's answer among them,
 * until that frame has run (DeferRendererTasksAfterInput). Measured: Kiln sent the
 * execution's first event 3-5 ms after the key and the page read it 14-17 ms after, with
 * the output. Taken here, the key asks for nothing, and the run's changes wait for the
 * answer (NotebookController.holdView). Only when the editor is current: typing it has not
 * read yet, or a composition, leaves the key to CodeMirror's keymap (editorKeys), which runs
 * the same commands. Returns the function that removes the listener.
 */
export function takeRunKeys(c: NotebookController, view: EditorView, host: HTMLElement): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Enter" || e.isComposing || e.keyCode === 229 || e.defaultPrevented || e.altKey) return;
    const command = e.shiftKey && !e.ctrlKey && !e.metaKey ? runAndAdvance : !e.shiftKey && (e.ctrlKey || e.metaKey) ? runInPlace : null;
    if (!command || !editorIsCurrent(view)) return;
    e.preventDefault();
    e.stopPropagation();
    command(c);
  };
  host.addEventListener("keydown", onKeyDown, true);
  return () => host.removeEventListener("keydown", onKeyDown, true);
}
