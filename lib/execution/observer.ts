import type { NotebookEvent } from "./events";
import type { ExecutionRecord } from "./recorder";
import type { FinishedExecution, LiveExecution } from "./session-types";

/**
 * What a kernel session tells those who keep its work: the executions' rows, a notebook's
 * open views, the stored notebook, the run. A kind of execution is the set of observers it
 * is given: a notebook's interactive session has all four; a whole-notebook run has rows
 * and its own run, and neither views nor the notebook's cells.
 */
export interface SessionObserver {
  /** An event as a view shows it, in order (`exec`: the execution it is about, if any). */
  event?(event: NotebookEvent, exec: LiveExecution | undefined): void;
  /** An execution's row as it now stands: queued, running, its outputs so far, its end. */
  record?(record: ExecutionRecord): void;
  finished?(exec: LiveExecution, result: FinishedExecution): void;
  /**
   * The kernel's process ended (a restart Kiln asked for, or a death), or Kiln's connection
   * to it closed. May resolve once what it records is stored: a restart waits for that
   * before it answers, so the restart's caller then reads the run as ended. Never rejects.
   */
  kernelEnded?(how: "restarted" | "died" | "disconnected"): void | Promise<void>;
  /** The notebook was saved (cells that ran before the save may now have a place). */
  saved?(): void;
  /** Resolves once everything observed so far is stored. */
  settle?(): Promise<void>;
}

/** The run a session's executions belong to, and what happens to it when the kernel's process ends. */
export interface SessionRun extends SessionObserver {
  current(): Promise<number>;
}

/** A run that is the session's whole life (a whole-notebook run, a pipeline step): its driver ends it. */
export function fixedRun(runId: number): SessionRun {
  const id = Promise.resolve(runId);
  return { current: () => id };
}
