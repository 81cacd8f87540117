import crypto from "node:crypto";

/**
 * Jupyter's messaging protocol (5.3), as the kernel WebSocket carries it with no subprotocol
 * (JSON, one message per frame). The contents Kiln reads are typed here, once; everything
 * else about a message stays an open record.
 */
export type Channel = "shell" | "iopub" | "stdin" | "control";

export type Header = {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
};

export interface JupyterMessage<C = Record<string, unknown>> {
  header: Header;
  parent_header: { msg_id?: string; msg_type?: string } & Record<string, unknown>;
  metadata: Record<string, unknown>;
  content: C;
  channel: Channel;
  buffers?: unknown[];
}

export type KernelStatus = "starting" | "idle" | "busy" | "restarting" | "dead";

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: Record<string, string>;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

/** A shell reply's content: `status` always, the rest depends on the request. */
export type ShellReply = { status?: string } & Record<string, unknown>;

export interface ExecuteReply extends ShellReply {
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
}

export interface InputRequest {
  prompt?: string;
  password?: boolean;
}

export function message<C extends object>(channel: Channel, msgType: string, content: C, session: string, parent: Header | Record<string, never> = {}): JupyterMessage<C> {
  return {
    header: { msg_id: crypto.randomUUID(), msg_type: msgType, session, username: "kiln", date: new Date().toISOString(), version: "5.3" },
    parent_header: parent,
    metadata: {},
    content,
    channel,
  };
}

/** A text frame as a message; null for what is not one (binary frames carry buffers Kiln does not record). */
export function parseMessage(raw: string): JupyterMessage | null {
  try {
    const m = JSON.parse(raw) as JupyterMessage;
    return m && typeof m === "object" && m.header && m.content ? m : null;
  } catch {
    return null;
  }
}

export const msgType = (m: JupyterMessage): string => m.header.msg_type;
export const parentId = (m: JupyterMessage): string | undefined => m.parent_header?.msg_id;

/** The kernel's execution state, when `m` is an iopub status message. */
export function statusOf(m: JupyterMessage): KernelStatus | null {
  return m.channel === "iopub" && m.header.msg_type === "status" ? (String(m.content.execution_state) as KernelStatus) : null;
}
