import type { NotebookController } from "./controller";

/** The run commands of Jupyter, shared by the keyboard (command and edit mode) and the toolbar. */

/**
 * A run key's change to the page waits for the kernel's answer (NotebookController.holdView)
 * when code will run; never when it opens a new cell to type in, where the next key must land.
 */
function holdForAnswer(c: NotebookController, ids: string[]): void {
  const runsCode = (id: string) => {
    const cell = c.store.cell(id);
    return cell?.type === "code" && cell.source.trim() !== ""; // an empty code cell runs nothing (Runner.run)
  };
  if (ids.some(runsCode)) c.holdView();
}

/** Shift+Enter: run the selected cells, then select the next one; past the last, a new cell to type in. */
export function runAndAdvance(c: NotebookController): void {
  const ids = c.store.selectedIds();
  const id = ids.at(-1);
  if (!id) return;
  const next = c.store.order[c.store.index(id) + 1];
  if (next) holdForAnswer(c, ids);
  void c.runner.run(ids);
  if (next) c.select(next, "command");
  else c.insert("below", { at: id, edit: true });
}

/** Ctrl+Enter: run the selected cells and stay, in command mode. */
export function runInPlace(c: NotebookController): void {
  const ids = c.store.selectedIds();
  if (ids.length === 0) return;
  holdForAnswer(c, ids);
  void c.runner.run(ids);
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

/** Restart (the toolbar, 0,0): asked first, as JupyterLab does, since every variable goes. */
export async function restartKernel(c: NotebookController): Promise<boolean> {
  const yes = await c.confirm({
    title: "Restart the kernel?",
    body: "Do you want to restart the kernel? All variables will be lost; the notebook and its outputs are kept.",
    confirm: "Restart",
  });
  return yes && c.runner.restart();
}

export async function restartAndRunAll(c: NotebookController): Promise<void> {
  const yes = await c.confirm({
    title: "Restart the kernel and run all cells?",
    body: "Do you want to restart the kernel and run every cell from the top? All variables will be lost.",
    confirm: "Restart and run all",
  });
  if (yes && (await c.runner.restart())) await runAll(c);
}
