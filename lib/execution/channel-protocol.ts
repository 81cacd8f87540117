import { z } from "zod";
import { executeBody, inputBody } from "../notebooks/schemas";

/**
 * What a view sends on /api/notebooks/{id}/channel (a WebSocket). Each command names a
 * request_id; the answer comes back as `{reply: request_id, ok, data | error}`, in the
 * same shapes as the matching POST endpoints. Events arrive as `{id, event}`, the same
 * events and ids as the server-sent stream, so a view can resume with `?after=<id>`.
 */
const requestId = z.string().min(1).max(64);
export const channelCommand = z.discriminatedUnion("op", [
  z.object({ op: z.literal("execute"), request_id: requestId, ...executeBody.shape }),
  z.object({ op: z.literal("interrupt"), request_id: requestId }),
  z.object({ op: z.literal("restart"), request_id: requestId }),
  z.object({ op: z.literal("input"), request_id: requestId, ...inputBody.shape }),
  z.object({ op: z.literal("kernel"), request_id: requestId }),
]);
export type ChannelCommand = z.infer<typeof channelCommand>;

/** A command frame larger than this is refused (the execute endpoint's body limit). */
export const MAX_COMMAND_BYTES = 2 * 1024 * 1024;
