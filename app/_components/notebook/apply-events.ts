import type { NotebookController } from "./controller";
import { appendOutput, applyExecution, clearOutputs, type RunState, updateDisplay } from "./run-state";
import { onSavedElsewhere } from "./sync";
import type { NbOutput, NotebookEvent } from "./types";

/** Cells with this many lines of output re-render at most every THROTTLE_MS while output floods in. */
const HEAVY_LINES = 1000;
const THROTTLE_MS = 300;
const lastRender = new Map<string, number>();
const pending = new Map<string, ReturnType<typeof setTimeout>>();

function heavy(run: RunState): boolean {
  return run.outputs.some((e) => (e.stream?.totalLines ?? 0) > HEAVY_LINES);
}

/** Notifies a cell now, or (for a flooding cell) once the throttle window is over. */
function notify(c: NotebookController, id: string): void {
  if (pending.has(id)) return;
  const wait = heavy(c.store.run(id)) ? THROTTLE_MS - (performance.now() - (lastRender.get(id) ?? 0)) : 0;
  const fire = () => {
    pending.delete(id);
    lastRender.set(id, performance.now());
    c.store.notifyRun(id);
  };
  if (wait <= 0) fire();
  else pending.set(id, setTimeout(fire, wait));
}

/** Consecutive stream chunks of one cell become one append: one split, one new entry version. */
function coalesce(events: NotebookEvent[]): NotebookEvent[] {
  const out: NotebookEvent[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (
      e.type === "output" && prev?.type === "output" && e.output.output_type === "stream" && prev.output.output_type === "stream" &&
      prev.execution_id === e.execution_id && prev.cell_id === e.cell_id && prev.output.name === e.output.name
    ) {
      const text = (o: NbOutput) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text) : "");
      out[out.length - 1] = { ...prev, output: { ...prev.output, text: text(prev.output) + text(e.output) } };
    } else out.push(e);
  }
  return out;
}

/**
 * Applies a frame's worth of events to the store, then re-renders each touched cell once.
 * A cell shows the outputs of one execution: a "running" event clears it and names the
 * execution; outputs of any other execution (replays of ones already loaded) are dropped.
 */
export function applyEvents(c: NotebookController, events: NotebookEvent[]): void {
  const { store } = c;
  const touched = new Set<string>();
  const set = (id: string, run: RunState) => {
    if (run === store.run(id)) return;
    store.setRun(id, run, true);
    touched.add(id);
  };
  for (const e of coalesce(events)) {
    switch (e.type) {
      case "execution":
        set(e.cell_id, applyExecution(store.run(e.cell_id), e.execution_id, e.status, e.execution_count));
        break;
      case "output": {
        const run = store.run(e.cell_id);
        if (run.executionId === e.execution_id) set(e.cell_id, appendOutput(run, e.execution_id, e.output));
        break;
      }
      case "clear_output": {
        const run = store.run(e.cell_id);
        if (run.executionId === e.execution_id) set(e.cell_id, clearOutputs(run, e.wait));
        break;
      }
      case "update_display":
        store.forEachRun((id, run) => set(id, updateDisplay(run, e.display_id, e.output)));
        break;
      case "input_request": {
        const run = store.run(e.cell_id);
        if (run.executionId === e.execution_id) set(e.cell_id, { ...run, input: { executionId: e.execution_id, prompt: e.prompt, password: e.password } });
        break;
      }
      case "kernel": {
        const k = c.kernel.get();
        c.kernel.set(k ? { ...k, state: e.state, reason: e.reason } : { state: e.state, reason: e.reason, kernel_id: null, server: null });
        // A new kernel or server: ask for its details (image, resources). A lost connection may
        // mean the server stopped: the server's answer says so ("no server" rather than a red state).
        if ((!k?.server && e.state !== "none") || e.state === "starting" || e.state === "disconnected") void c.refreshKernel();
        break;
      }
      case "server":
        void c.refreshKernel();
        break;
      case "saved":
        void onSavedElsewhere(c, e.revision);
        break;
      case "reset":
        // The server replays running executions from their start next: let their "running" clear again.
        store.forEachRun((id, run) => set(id, run.clearedFor === null ? run : { ...run, clearedFor: null }));
        void c.reloadOutputs();
        break;
    }
  }
  for (const id of touched) notify(c, id);
}
