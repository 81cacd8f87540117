import { z } from "zod";
import { executeBody, inputBody } from "../notebooks/schemas";

/**
 * The notebook channel's protocol, the one source for the server (lib/execution) and the
 * page (app/_components/notebook, which imports only the types: nothing here reaches its
 * bundle).
 *
 * What a view sends on /api/notebooks/{id}/channel (a WebSocket). Each command names a
 * request_id; the answer comes back as `{reply: request_id, ok, data | error}`, in the
 * same shapes as the matching POST endpoints. Events arrive as `{id, event}`, the same
 * events and ids as the server-sent stream, so a view can resume with `?after=<id>`.
 */
const requestId = z.string().min(1).max(64);

/** Where the caret is, in Unicode code points from the start of `code`: Jupyter's own count. */
export const assistBody = z.object({
  code: z.string().max(1_000_000),
  cursor_pos: z.number().int().min(0).max(1_000_000),
});
export const inspectBody = assistBody.extend({
  /** 0: signature and docstring; 1: the source too, where the kernel has it (IPython's `??`). */
  detail_level: z.union([z.literal(0), z.literal(1)]).default(0),
});

export const channelCommand = z.discriminatedUnion("op", [
  z.object({ op: z.literal("execute"), request_id: requestId, ...executeBody.shape }),
  z.object({ op: z.literal("interrupt"), request_id: requestId }),
  z.object({ op: z.literal("restart"), request_id: requestId }),
  z.object({ op: z.literal("input"), request_id: requestId, ...inputBody.shape }),
  z.object({ op: z.literal("kernel"), request_id: requestId }),
  z.object({ op: z.literal("complete"), request_id: requestId, ...assistBody.shape }),
  z.object({ op: z.literal("inspect"), request_id: requestId, ...inspectBody.shape }),
  z.object({ op: z.literal("variables"), request_id: requestId }),
]);
export type ChannelCommand = z.infer<typeof channelCommand>;
export type ChannelOp = ChannelCommand["op"];

/** A command frame larger than this is refused (the execute endpoint's body limit). */
export const MAX_COMMAND_BYTES = 2 * 1024 * 1024;

/** The kernel's complete_reply, as the channel answers `complete` (positions in code points). */
export const completeReply = z.object({
  matches: z.array(z.string()).max(10_000),
  cursor_start: z.number().int().min(0),
  cursor_end: z.number().int().min(0),
  /** IPython's experimental per-match kinds ("function", "module", "instance", ...), when it sends them. */
  types: z.array(z.object({ text: z.string(), type: z.string().nullable().optional(), signature: z.string().optional() })).optional(),
});
export type CompleteReply = z.infer<typeof completeReply>;

/** The kernel's inspect_reply, as the channel answers `inspect`: a mime bundle (text/plain holds ANSI colours). */
export const inspectReply = z.object({
  found: z.boolean(),
  data: z.record(z.string(), z.unknown()),
});
export type InspectReply = z.infer<typeof inspectReply>;

/** The variable inspector's list (lib/execution/variables.ts): `total` counts names beyond those described. */
export const variablesReply = z.object({
  variables: z.array(z.object({
    name: z.string(),
    type: z.string(),
    shape: z.string().optional(),
    size: z.number().int().min(0).optional(),
    value: z.string(),
  })).max(1000),
  total: z.number().int().min(0),
});
export type VariablesReply = z.infer<typeof variablesReply>;

export type ExecutionStatus = "queued" | "running" | "ok" | "error" | "aborted";
/** "none": no kernel (yet) for the notebook; the rest are the kernel's own states, and Kiln's link to it. */
export type KernelState = "none" | "starting" | "idle" | "busy" | "restarting" | "dead" | "disconnected";

/**
 * The notebook's events, on the channel and on GET /api/notebooks/{id}/events. `O` is an
 * output: nbformat's, typed by whoever reads it (the server passes them through).
 */
export type NotebookEventOf<O> =
  | { type: "execution"; execution_id: number; cell_id: string; status: ExecutionStatus; execution_count: number | null }
  | { type: "output"; execution_id: number; cell_id: string; output: O }
  | { type: "clear_output"; execution_id: number; cell_id: string; wait: boolean }
  | { type: "update_display"; display_id: string; output: O }
  | { type: "kernel"; state: KernelState; reason: string | null }
  | { type: "input_request"; execution_id: number; cell_id: string; prompt: string; password: boolean }
  /** The stored notebook is at this revision now (a save, a restored revision): other views load its sources. */
  | { type: "saved"; revision: number }
  /** The user's server started or stopped: views ask for the kernel's state again. */
  | { type: "server" }
  | { type: "reset" };

/** What the server sends: an event (with its id, except for a view's own notices), or a command's answer. */
export type ChannelFrame<O> =
  | { id?: number; event: NotebookEventOf<O> }
  | { reply: string | null; ok: true; data: unknown }
  | { reply: string | null; ok: false; error: { code: string; message: string; field?: string } };
