import type { NotebookController } from "./controller";

/** The run commands of Jupyter, shared by the keyboard (command and edit mode) and the toolbar. */

/** Shift+Enter: run, then select the next cell; past the last one, a new cell to type in. */
export function runAndAdvance(c: NotebookController): void {
  const id = c.store.selected;
  if (!id) return;
  void c.runner.run([id]);
  const next = c.store.order[c.store.index(id) + 1];
  if (next) c.select(next, "command");
  else c.insert("below", { at: id, edit: true });
}

/** Ctrl+Enter: run and stay, in command mode. */
export function runInPlace(c: NotebookController): void {
  const id = c.store.selected;
  if (!id) return;
  void c.runner.run([id]);
  if (c.store.mode === "edit") c.leaveEdit();
}

/** Alt+Enter: run, then a new cell below to type in. */
export function runAndInsert(c: NotebookController): void {
  const id = c.store.selected;
  if (!id) return;
  void c.runner.run([id]);
  c.insert("below", { at: id, edit: true });
}

export function runAll(c: NotebookController): Promise<void> {
  return c.runner.run(c.store.order);
}

/** Every cell before the selected one. */
export function runAbove(c: NotebookController): Promise<void> {
  const i = c.store.selected ? c.store.index(c.store.selected) : 0;
  return c.runner.run(c.store.order.slice(0, Math.max(i, 0)));
}

/** The selected cell and every one after it. */
export function runBelow(c: NotebookController): Promise<void> {
  const i = c.store.selected ? c.store.index(c.store.selected) : 0;
  return c.runner.run(c.store.order.slice(Math.max(i, 0)));
}

export async function restartAndRunAll(c: NotebookController): Promise<void> {
  if (await c.runner.restart()) await runAll(c);
}
