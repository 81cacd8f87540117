import type { KeyBinding } from "@codemirror/view";
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
