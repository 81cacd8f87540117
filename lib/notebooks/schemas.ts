import { z } from "zod";
import { idParam, INT4_MAX } from "../api/schemas";

export const notebookName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .refine((s) => !/[\/\\\u0000-\u001f]/.test(s), "must not contain '/', '\\' or control characters");

export const notebookId = z.object({ id: idParam });

/** A cell as the editor sends it: outputs are Kiln's (recorded from the kernel), never taken from a save. */
export const cellInput = z.object({
  id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '-' or '_' (nbformat cell id)"),
  cell_type: z.enum(["code", "markdown", "raw"]),
  source: z.union([z.string(), z.array(z.string())]),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

export const saveBody = z.object({
  name: notebookName.optional(),
  /** The revision this edit started from; required with `cells`. */
  revision: z.number().int().positive().max(INT4_MAX).optional(),
  cells: z.array(cellInput).max(10_000).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const createBody = z.object({ name: notebookName, cells: z.array(cellInput).max(10_000).optional() });
export const duplicateBody = z.object({ name: notebookName.optional() }).default({});
export const listQuery = z.object({
  q: z.string().max(200).optional().describe("Case-insensitive part of the name"),
  deleted: z.enum(["0", "1"]).optional().describe("1: the recently deleted ones (recoverable for 30 days)"),
});

export const notebookSummary = z.object({
  id: z.number(), name: z.string(), revision: z.number(), cells: z.number(),
  created_at: z.string(), updated_at: z.string(), deleted_at: z.string().nullable(),
});
export const notebookModel = notebookSummary.extend({
  content: z.record(z.string(), z.unknown()).describe("nbformat 4.5 document, with outputs of running cells so far"),
});
export const revisionModel = z.object({ id: z.number(), revision: z.number(), reason: z.string(), created_at: z.string(), cells: z.number() });

export const executeBody = z.object({ cell_id: cellInput.shape.id, code: z.string().max(1_000_000) });
export const executionModel = z.object({
  id: z.number(), cell_id: z.string(), status: z.string(), execution_count: z.number().nullable(),
  queued_at: z.string(), started_at: z.string().nullable(), ended_at: z.string().nullable(),
});
export const inputBody = z.object({ value: z.string().max(100_000) });
export const kernelModel = z.object({
  state: z.enum(["none", "starting", "idle", "busy", "restarting", "dead", "disconnected"]),
  kernel_id: z.string().nullable(),
  reason: z.string().nullable(),
  server: z.object({ ready: z.boolean(), image: z.string(), cpu: z.number(), memory_mb: z.number(), gpus: z.number() }).nullable(),
});
