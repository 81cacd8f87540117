import type { Upstream } from "../spawners/upstream";
import type { Output } from "./events";
import type { ExecutionRecord } from "./recorder";

export type KernelState = "starting" | "idle" | "busy" | "restarting" | "dead" | "disconnected";

/** Where a notebook's kernel is: the user's Jupyter Server, reached directly (not through the proxy). */
export interface KernelTarget {
  serverId: number;
  /** The Jupyter Server's socket, and its base URL path (/user/{name}/ or a pool slot's). */
  upstream: Upstream;
  basePath: string;
  token: string;
  image: string;
  cpu: number;
  memoryMb: number;
  gpus: number;
  gpuIds: string[];
  /** The spawner's kind and state: where the run's image digest comes from. */
  spawner: string;
  state: Record<string, unknown>;
}

export interface FinishedExecution {
  status: "ok" | "error" | "aborted";
  outputs: Output[];
  executionCount: number | null;
  error: { ename: string; evalue: string } | null;
}

export interface LiveExecution {
  /** The executions row's id (reserved before the request leaves; the row is written soon after). */
  id: number;
  /** The row as it stands: every change is recorded whole (lib/execution/recorder.ts). */
  record: ExecutionRecord;
  msgId: string;
  cellId: string;
  status: "queued" | "running";
  executionCount: number | null;
  outputs: Output[];
  /** clear_output(wait=True): clear just before the next output. */
  clearOnNext: boolean;
  dirty: boolean;
  /** The execute_reply, kept until the kernel's idle status for this request: outputs may come after the reply. */
  reply: { status: "ok" | "error" | "aborted"; error: { ename: string; evalue: string } | null } | null;
  startedAt: Date | null;
  /** Running long enough that its outputs are stored before they are shown (ordered-publisher.ts). */
  durable: boolean;
}

/** An execution a previous Kiln left running, as stored: its outputs so far, stored before shown from now on. */
export function liveFromRow(row: ExecutionRecord): LiveExecution {
  return {
    id: row.id, record: row, msgId: row.msgId, cellId: row.cellId, status: row.status === "running" ? "running" : "queued",
    executionCount: row.executionCount ?? null, outputs: (row.outputs ?? []) as Output[], clearOnNext: false, dirty: false,
    reply: null, startedAt: row.startedAt ?? null, durable: true,
  };
}
