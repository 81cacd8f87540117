/** The notebook API's shapes as the browser sees them (lib/notebooks/schemas.ts is the source of truth). */

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

export type KernelState = "none" | "starting" | "idle" | "busy" | "restarting" | "dead" | "disconnected";
export interface KernelModel {
  state: KernelState;
  kernel_id: string | null;
  reason: string | null;
  server: { ready: boolean; image: string; cpu: number; memory_mb: number; gpus: number } | null;
}

export type ExecutionStatus = "queued" | "running" | "ok" | "error" | "aborted";
export interface ExecutionModel {
  id: number;
  cell_id: string;
  status: ExecutionStatus;
  execution_count: number | null;
  queued_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** What /api/notebooks/{id}/events sends, one JSON object per event. */
export type NotebookEvent =
  | { type: "execution"; execution_id: number; cell_id: string; status: ExecutionStatus; execution_count: number | null }
  | { type: "output"; execution_id: number; cell_id: string; output: NbOutput }
  | { type: "clear_output"; execution_id: number; cell_id: string; wait: boolean }
  | { type: "update_display"; display_id: string; output: NbOutput }
  | { type: "kernel"; state: KernelState; reason: string | null }
  | { type: "input_request"; execution_id: number; cell_id: string; prompt: string; password: boolean }
  | { type: "reset" };
