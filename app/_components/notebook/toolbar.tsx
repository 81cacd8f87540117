"use client";

import { restartAndRunAll, restartKernel, runAbove, runAll, runBelow } from "./commands";
import type { Panel } from "./controller";
import { useSignal } from "./signal";
import type { CellType } from "./types";
import { useCell, useController, useOrder, useSelected } from "./use-store";

/**
 * The notebook's toolbar: cell actions apply to the selected cell. Names are chosen so
 * none contains another ("Run all" vs "Restart & run"), keeping each one unambiguous.
 */
export function Toolbar() {
  const c = useController();
  const { id } = useSelected(c.store);
  const cell = useCell(c.store, id ?? "");
  const onCell = (fn: (id: string) => void) => () => {
    if (id) fn(id);
  };
  const order = useOrder(c.store);
  const kernel = useSignal(c.kernel);
  const last = id ? order.indexOf(id) === order.length - 1 : true;
  const first = id ? order.indexOf(id) === 0 : true;
  const panel = useSignal(c.panel);
  const toggle = (p: Panel) => () => c.panel.set(panel === p ? null : p);

  return (
    <div className="nb-toolbar" role="group" aria-label="Notebook actions">
      <div className="nb-toolgroup">
        <button type="button" className="btn btn-secondary btn-small" title="Insert a code cell below (B)" onClick={() => c.insert("below", { edit: true })}>
          <span aria-hidden="true">+</span> Add cell
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-label="Move up" title="Move the cell up" disabled={first} onClick={onCell((x) => c.move(x, -1))}>
          ↑
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-label="Move down" title="Move the cell down" disabled={last} onClick={onCell((x) => c.move(x, 1))}>
          ↓
        </button>
        <button type="button" className="btn btn-secondary btn-small" title="Split the cell at the cursor (Ctrl+Shift+-)" onClick={onCell((x) => c.split(x))}>
          Split
        </button>
        <button type="button" className="btn btn-secondary btn-small" title="Merge the cell with the next one" disabled={last} onClick={onCell((x) => c.mergeWithNext(x))}>
          Merge with next
        </button>
        <button type="button" className="btn btn-danger btn-small" title="Delete the cell (D D; Z brings it back)" onClick={onCell((x) => c.remove(x))}>
          Delete cell
        </button>
        <button type="button" className="btn btn-secondary btn-small" title="Bring back the last deleted cell (Z)" onClick={() => c.undoRemove()}>
          Undo delete
        </button>
        <label className="visually-hidden" htmlFor="nb-cell-type">
          Cell type
        </label>
        <select id="nb-cell-type" className="nb-type-select" value={cell?.type ?? "code"} disabled={!cell}
          onChange={(e) => id && c.changeType(id, e.target.value as CellType)}>
          <option value="code">Code</option>
          <option value="markdown">Markdown</option>
          <option value="raw">Raw</option>
        </select>
      </div>
      <div className="nb-toolgroup">
        <button type="button" className="btn btn-primary btn-small" title="Run every cell, top to bottom" onClick={() => void runAll(c)}>
          <span aria-hidden="true">▶▶</span> Run all
        </button>
        <button type="button" className="btn btn-secondary btn-small" title="Run the cells above the selected one" onClick={() => void runAbove(c)}>
          Run above
        </button>
        <button type="button" className="btn btn-secondary btn-small" title="Run the selected cell and those below it" onClick={() => void runBelow(c)}>
          Run below
        </button>
        <button type="button" className="btn btn-secondary btn-small" title="Interrupt the kernel (stop the running cell)" onClick={() => void c.runner.interrupt()}>
          <span aria-hidden="true">■</span> Interrupt
        </button>
        {/* When the kernel died, the banner above offers the restart: one such button on the page. */}
        {kernel?.state !== "dead" ? (
          <button type="button" className="btn btn-secondary btn-small" title="Restart the kernel: variables are lost, the notebook is not" onClick={() => void restartKernel(c)}>
            <span aria-hidden="true">↻</span> Restart kernel
          </button>
        ) : null}
        <button type="button" className="btn btn-secondary btn-small" title="Restart the kernel, then run every cell" onClick={() => void restartAndRunAll(c)}>
          Restart &amp; run
        </button>
        <button type="button" className="btn btn-secondary btn-small" title="Clear the outputs of every cell" onClick={() => void c.runner.clear()}>
          Clear outputs
        </button>
      </div>
      <div className="nb-toolgroup">
        <button type="button" className="btn btn-secondary btn-small" aria-pressed={panel === "contents"} title="Table of contents, from the Markdown headings" onClick={toggle("contents")}>
          Contents
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-pressed={panel === "cell"} title="The selected cell's tags and metadata" onClick={toggle("cell")}>
          Tags &amp; metadata
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-pressed={panel === "variables"} title="The kernel's variables: type, shape, value" onClick={toggle("variables")}>
          Variables
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-pressed={panel === "promote"} title="Make the selected cells a step of a pipeline" onClick={toggle("promote")}>
          Promote to step
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (H)" onClick={() => c.help.set(true)}>
          ?
        </button>
      </div>
    </div>
  );
}
