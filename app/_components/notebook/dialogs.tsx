"use client";

import { type ReactNode, useEffect, useRef } from "react";
import { useSignal } from "./signal";
import { useController } from "./use-store";

/** A modal <dialog>: focus is trapped in it, Escape closes it (as `onClose`), and focus returns where it was. */
export function Modal({ label, onClose, children, wide }: { label: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    const before = document.activeElement as HTMLElement | null;
    d.showModal();
    return () => {
      if (d.open) d.close();
      before?.focus?.({ preventScroll: true });
    };
  }, []);
  return (
    <dialog ref={ref} className={`nb-dialog${wide ? " nb-dialog-wide" : ""}`} aria-label={label}
      onCancel={(e) => (e.preventDefault(), onClose())}>
      {children}
    </dialog>
  );
}

/** The page's question (a restart), asked as JupyterLab asks it: Cancel, or the action. */
export function QuestionDialog() {
  const c = useController();
  const q = useSignal(c.question);
  if (!q) return null;
  return (
    <Modal label={q.title} onClose={() => q.answer(false)}>
      <h2>{q.title}</h2>
      <p>{q.body}</p>
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={() => q.answer(false)}>Cancel</button>
        <button type="button" className="btn btn-danger" autoFocus onClick={() => q.answer(true)}>{q.confirm}</button>
      </div>
    </Modal>
  );
}

const COMMAND_KEYS: [string, string][] = [
  ["Enter", "edit the cell"], ["Shift+Enter", "run, select the next cell"], ["Ctrl+Enter", "run, stay"], ["Alt+Enter", "run, insert a cell below"],
  ["A / B", "insert a cell above / below"], ["C / X", "copy / cut the selected cells"], ["V / Shift+V", "paste below / above"],
  ["D, D", "delete the selected cells"], ["Z", "undo the last delete"], ["Shift+M", "merge the selected cells (one: with the next)"],
  ["M / Y / R", "Markdown / code / raw"], ["↑ ↓ or K J", "select the previous / next cell"], ["Shift+↑ ↓ or Shift+K J", "extend the selection"],
  ["I, I", "interrupt the kernel"], ["0, 0", "restart the kernel (asks first)"], ["H or ?", "this list"], ["Ctrl+S", "save now"],
];
const EDIT_KEYS: [string, string][] = [
  ["Tab", "complete (indent at the start of a line)"], ["Ctrl+Space", "complete"], ["Shift+Tab", "signature and docs of what is at the cursor"],
  ["Esc", "command mode"], ["Ctrl+Shift+-", "split the cell at the cursor"], ["Ctrl+Z / Ctrl+Shift+Z", "undo / redo"],
];

/** H or "?": the keyboard shortcuts, command mode and edit mode. */
export function ShortcutsDialog() {
  const c = useController();
  const open = useSignal(c.help);
  if (!open) return null;
  const table = (rows: [string, string][]) => (
    <dl className="nb-keys">
      {rows.map(([k, what]) => (
        <div key={k}>
          <dt><kbd>{k}</kbd></dt>
          <dd>{what}</dd>
        </div>
      ))}
    </dl>
  );
  return (
    <Modal label="Keyboard shortcuts" wide onClose={() => c.help.set(false)}>
      <div className="section-head">
        <h2>Keyboard shortcuts</h2>
        <button type="button" className="btn btn-secondary btn-small" autoFocus onClick={() => c.help.set(false)}>Close</button>
      </div>
      <div className="nb-keys-columns">
        <section><h3>Command mode (Esc)</h3>{table(COMMAND_KEYS)}</section>
        <section><h3>Edit mode (Enter)</h3>{table(EDIT_KEYS)}</section>
      </div>
    </Modal>
  );
}
