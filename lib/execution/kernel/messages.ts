import crypto from "node:crypto";

/**
 * Jupyter's messaging protocol (5.3), as the kernel WebSocket carries it: in Jupyter Server's
 * binary `v1.kernel.websocket.jupyter.org` framing where the server offers it, else as JSON,
 * one message per frame (the protocol with no name). The contents Kiln reads are typed here,
 * once; everything else about a message stays an open record.
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

/**
 * The binary framing that Jupyter Server (1.23 in Kiln's images) and JupyterLab 4 speak
 * (jupyter_server's websocket-protocols docs): the server passes the kernel's ZeroMQ frames
 * through as they are, where the JSON protocol has it decode each message (signature, JSON,
 * dates) and encode it again, in the user's container, for every status, output and reply.
 * A frame is: the count
 * of offsets, the offsets (each a little-endian uint64, from the frame's start), the channel's
 * name, then the parts: header, parent header, metadata, content, and any binary buffers.
 */
export const KERNEL_WS_V1 = "v1.kernel.websocket.jupyter.org";

export function encodeV1(m: JupyterMessage<object>): Buffer {
  const channel = Buffer.from(m.channel);
  const parts = [m.header, m.parent_header, m.metadata, m.content].map((p) => Buffer.from(JSON.stringify(p)));
  const start = 8 * (1 + 1 + parts.length + 1); // the count, then one offset per piece and one for the end
  const offsets = [start, start + channel.length];
  for (const p of parts) offsets.push(offsets.at(-1)! + p.length);
  const head = Buffer.alloc(8 * (1 + offsets.length));
  head.writeBigUInt64LE(BigInt(offsets.length), 0);
  offsets.forEach((o, i) => head.writeBigUInt64LE(BigInt(o), 8 * (i + 1)));
  return Buffer.concat([head, channel, ...parts]);
}

/** A v1 frame as a message; null for what is not one, and for a message with binary buffers (Kiln records JSON only, as it always dropped such frames). */
export function parseV1(frame: Buffer): JupyterMessage | null {
  try {
    const count = frame.length >= 8 ? Number(frame.readBigUInt64LE(0)) : 0;
    // channel + header, parent header, metadata, content: six offsets, more only with buffers
    if (count !== 6 || frame.length < 8 * (count + 1)) return null;
    const at = Array.from({ length: count }, (_, i) => Number(frame.readBigUInt64LE(8 * (i + 1))));
    if (at.some((o, i) => o > frame.length || (i > 0 && o < at[i - 1]!))) return null;
    const part = (i: number) => frame.toString("utf8", at[i]!, at[i + 1] ?? frame.length);
    const m = { channel: part(0), header: JSON.parse(part(1)), parent_header: JSON.parse(part(2)), metadata: JSON.parse(part(3)), content: JSON.parse(part(4)) } as JupyterMessage;
    return m.header && typeof m.header === "object" && m.content && typeof m.content === "object" ? m : null;
  } catch {
    return null;
  }
}

/** A JSON frame (the protocol with no name) as a message; null for what is not one (binary frames carry buffers Kiln does not record). */
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
