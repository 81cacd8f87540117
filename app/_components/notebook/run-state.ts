import { joinSource } from "./source";
import { StreamBuffer } from "./stream-buffer";
import type { ExecutionStatus, NbCell, NbOutput } from "./types";

/**
 * One rendered output. Stream outputs of the same name that follow each other are merged
 * (as Jupyter does), so the text lives in a StreamBuffer shared by successive versions.
 */
export interface OutputEntry {
  key: number;
  output: NbOutput;
  stream: StreamBuffer | null;
  /** The execution that produced it and its index there: the address of the full text. */
  executionId: number | null;
  index: number | null;
  /** Bumped whenever the entry's content changes, so memoised views know to re-render. */
  version: number;
}

export interface InputRequest {
  executionId: number;
  prompt: string;
  password: boolean;
}

/** Everything about a cell that comes from running it: kept apart from its source so typing never touches it. */
export interface RunState {
  outputs: OutputEntry[];
  executionCount: number | null;
  status: ExecutionStatus | "idle";
  /** The execution whose outputs this cell shows now; output events of any other are ignored. */
  executionId: number | null;
  /** The execution whose "running" event already cleared the outputs (a replayed one must not clear twice). */
  clearedFor: number | null;
  /** clear_output(wait=True): clear just before the next output arrives. */
  clearOnNext: boolean;
  /** The server's index of the next output of executionId, and the stream an adjacent one would merge into. */
  nextIndex: number;
  openStream: { name: string; index: number } | null;
  input: InputRequest | null;
}

let keys = 0;
const nextKey = () => ++keys;

export const EMPTY_RUN: RunState = {
  outputs: [], executionCount: null, status: "idle", executionId: null, clearedFor: null,
  clearOnNext: false, nextIndex: 0, openStream: null, input: null,
};

function streamText(o: NbOutput): string {
  return o.output_type === "stream" ? joinSource(o.text) : "";
}

/** Where the server keeps a cell's last execution, when it says so in the cell's metadata. */
function executionIdOf(cell: NbCell): number | null {
  const kiln = cell.metadata?.kiln as { execution_id?: unknown } | undefined;
  return typeof kiln?.execution_id === "number" ? kiln.execution_id : null;
}

/** The outputs saved in the notebook, as loaded. */
export function runFromCell(cell: NbCell): RunState {
  const executionId = executionIdOf(cell);
  let run: RunState = { ...EMPTY_RUN, executionCount: cell.execution_count ?? null, executionId };
  for (const o of cell.outputs ?? []) run = appendOutput(run, executionId, o);
  return run;
}

/** Adds one output: merged into the previous stream of the same name, else a new entry. */
export function appendOutput(run: RunState, executionId: number | null, output: NbOutput): RunState {
  if (run.clearOnNext) run = { ...run, outputs: [], clearOnNext: false, nextIndex: 0, openStream: null };
  const last = run.outputs[run.outputs.length - 1];
  if (output.output_type === "stream") {
    const merge = run.openStream?.name === output.name;
    const index = merge ? run.openStream!.index : run.nextIndex;
    const nextIndex = merge ? run.nextIndex : run.nextIndex + 1;
    const openStream = { name: output.name, index };
    if (merge && last?.stream && last.output.output_type === "stream" && last.output.name === output.name && last.index === index) {
      last.stream.append(streamText(output));
      const outputs = run.outputs.slice(0, -1);
      outputs.push({ ...last, version: last.version + 1 });
      return { ...run, outputs, nextIndex, openStream };
    }
    const stream = new StreamBuffer();
    stream.append(streamText(output));
    const entry: OutputEntry = { key: nextKey(), output: { ...output, text: "" }, stream, executionId, index, version: 0 };
    return { ...run, outputs: [...run.outputs, entry], nextIndex, openStream };
  }
  const entry: OutputEntry = { key: nextKey(), output, stream: null, executionId, index: run.nextIndex, version: 0 };
  return { ...run, outputs: [...run.outputs, entry], nextIndex: run.nextIndex + 1, openStream: null };
}

/** A line the user typed into input(): shown in place, but not one of the server's outputs. */
export function appendEcho(run: RunState, text: string): RunState {
  const stream = new StreamBuffer();
  stream.append(text);
  const entry: OutputEntry = { key: nextKey(), output: { output_type: "stream", name: "stdout", text: "" }, stream, executionId: null, index: null, version: 0 };
  return { ...run, outputs: [...run.outputs, entry], input: null };
}

export function clearOutputs(run: RunState, wait: boolean): RunState {
  if (wait) return { ...run, clearOnNext: true };
  return { ...run, outputs: [], clearOnNext: false, nextIndex: 0, openStream: null };
}

const RANK: Record<RunState["status"], number> = { idle: 0, queued: 1, running: 2, ok: 3, error: 3, aborted: 3 };

export function applyExecution(run: RunState, executionId: number, status: ExecutionStatus, count: number | null): RunState {
  if (run.executionId !== null && executionId < run.executionId) return run; // a stale event of an earlier run
  if (executionId === run.executionId && RANK[status] < RANK[run.status]) return run; // the POST's answer after the events
  let next: RunState = { ...run, executionId, status };
  if (executionId !== run.executionId) next = { ...next, clearedFor: null, input: null };
  if (status === "running" && next.clearedFor !== executionId) {
    next = { ...clearOutputs(next, false), clearedFor: executionId, executionCount: null };
  }
  if (status === "ok" || status === "error" || status === "aborted") next = { ...next, executionCount: count ?? next.executionCount, input: null };
  return next;
}

/** update_display: replace, in place, every output shown under that display id. */
export function updateDisplay(run: RunState, displayId: string, output: NbOutput): RunState {
  let changed = false;
  const outputs = run.outputs.map((e) => {
    const o = e.output;
    if (o.output_type !== "display_data" && o.output_type !== "execute_result") return e;
    if (o.transient?.display_id !== displayId || output.output_type === "stream" || output.output_type === "error") return e;
    changed = true;
    return { ...e, output: { ...o, data: output.data, metadata: output.metadata ?? {} }, version: e.version + 1 };
  });
  return changed ? { ...run, outputs } : run;
}
