import type { ExecutionStatus, KernelState, NotebookEventOf } from "@/lib/execution/channel-protocol";

/**
 * The notebook API's shapes as the browser sees them (lib/notebooks/schemas.ts is the source
 * of truth; the channel's events and commands come from lib/execution/channel-protocol.ts).
 */
export type { ExecutionStatus, KernelState };

export type CellType = "code" | "markdown" | "raw";
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DataOutput {
  output_type: "execute_result" | "display_data";
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  transient?: { display_id?: string };
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type NbOutput = StreamOutput | DataOutput | ErrorOutput;

export interface NbCell {
  id: string;
  cell_type: CellType;
  source: MultilineString;
  metadata?: Record<string, unknown>;
  outputs?: NbOutput[];
  execution_count?: number | null;
}

export interface NbDocument {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NbCell[];
}

export interface NotebookSummary {
  id: number;
  name: string;
  revision: number;
  cells: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}
export interface NotebookModel extends NotebookSummary {
  content: NbDocument;
}

export interface RevisionInfo {
  id: number;
  revision: number;
  reason: string;
  created_at: string;
  cells: number;
}

export interface KernelModel {
  state: KernelState;
  kernel_id: string | null;
  reason: string | null;
  server: { ready: boolean; image: string; cpu: number; memory_mb: number; gpus: number } | null;
}

export interface ExecutionModel {
  id: number;
  cell_id: string;
  status: ExecutionStatus;
  execution_count: number | null;
  queued_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** What the channel and /api/notebooks/{id}/events send, with outputs typed as nbformat's. */
export type NotebookEvent = NotebookEventOf<NbOutput>;
