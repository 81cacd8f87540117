import type { z } from "zod";
import type { Db } from "../db";
import { ConflictError, KernelBusyError, UnprocessableError } from "../errors";
import { type assistBody, type CompleteReply, completeReply, type inspectBody, type InspectReply, inspectReply } from "../execution/channel-protocol";
import type { KernelSession } from "../execution/session";
import { ensureSession } from "./sessions";

/**
 * Completion and help from the kernel, as JupyterLab asks for them: complete_request and
 * inspect_request on the notebook's own kernel session. They answer in milliseconds on an
 * idle kernel; a kernel running a cell would hold them until the cell ends (the shell
 * channel takes one request at a time), so they are refused at once instead, and the
 * editor says the kernel is busy.
 */
const ANSWER_MS = 3000;
const MAX_MATCHES = 2000;

const noAnswer = () => new KernelBusyError(`The kernel did not answer within ${ANSWER_MS / 1000} s: it may be busy`);

export async function idleSession(db: Db, nb: { id: number; ownerId: number }): Promise<KernelSession> {
  const s = await ensureSession(db, nb.id, nb.ownerId);
  if (s.state === "dead") throw new ConflictError("The kernel died: restart it to get completions and help");
  if (s.live.size > 0) throw new KernelBusyError("The kernel is busy running a cell: completion and help are back once it is done");
  return s;
}

/** The kernel's answer is a boundary too: parsed, and refused in Kiln's error shape when odd. */
export function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UnprocessableError("The kernel's answer was not understood");
  return r.data;
}

export async function completeCode(db: Db, nb: { id: number; ownerId: number }, input: z.output<typeof assistBody>): Promise<CompleteReply> {
  const s = await idleSession(db, nb);
  const c = await s.shellRequest("complete_request", { code: input.code, cursor_pos: input.cursor_pos }, ANSWER_MS, noAnswer);
  if (c.status !== "ok") return { matches: [], cursor_start: input.cursor_pos, cursor_end: input.cursor_pos };
  const types = (c.metadata as { _jupyter_types_experimental?: unknown[] } | undefined)?._jupyter_types_experimental;
  return parsed(completeReply, {
    matches: Array.isArray(c.matches) ? c.matches.slice(0, MAX_MATCHES) : [],
    cursor_start: c.cursor_start, cursor_end: c.cursor_end,
    ...(Array.isArray(types) ? { types: types.slice(0, MAX_MATCHES) } : {}), // (zod drops their start/end)
  });
}

export async function inspectCode(db: Db, nb: { id: number; ownerId: number }, input: z.output<typeof inspectBody>): Promise<InspectReply> {
  const s = await idleSession(db, nb);
  const c = await s.shellRequest("inspect_request", { code: input.code, cursor_pos: input.cursor_pos, detail_level: input.detail_level }, ANSWER_MS, noAnswer);
  if (c.status !== "ok") return { found: false, data: {} };
  return parsed(inspectReply, { found: c.found === true, data: c.found === true ? (c.data ?? {}) : {} });
}
