import { z } from "zod";

/** MLflow's per-request limits for a batch (log-batch): larger batches are refused, naming the limit. */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, bytes: 1024 * 1024 };

const key = z
  .string()
  .min(1, "must not be empty")
  .max(250, "must be at most 250 characters")
  .regex(/^[\w\-. /:]+$/, "may hold letters, digits, '_', '-', '.', ' ', '/' and ':'");
/** The latest time a JavaScript Date holds (year 275760), within PostgreSQL's timestamptz. */
const MAX_DATE_MS = 8.64e15;
/** JSON has no NaN or infinities: they travel as these strings, as MLflow's clients send them. */
const metricValue = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]);

export const logBatchBody = z.object({
  params: z
    .array(z.object({ key, value: z.string().max(6000, "must be at most 6000 characters (MLflow's limit)") }))
    .max(LOG_BATCH_LIMITS.params, `at most ${LOG_BATCH_LIMITS.params} params per batch (MLflow's limit)`)
    .default([]),
  metrics: z
    .array(
      z.object({
        key,
        value: metricValue,
        step: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
        timestamp: z.number().int().min(0).max(MAX_DATE_MS, "must be a time JavaScript can hold (ms since the epoch)").optional().describe("ms since the epoch; default now"),
      }),
    )
    .max(LOG_BATCH_LIMITS.metrics, `at most ${LOG_BATCH_LIMITS.metrics} metrics per batch (MLflow's limit)`)
    .default([]),
  tags: z
    .array(z.object({ key, value: z.string().max(5000) }))
    .max(LOG_BATCH_LIMITS.tags, `at most ${LOG_BATCH_LIMITS.tags} tags per batch (MLflow's limit)`)
    .default([]),
});
export type LogBatch = z.infer<typeof logBatchBody>;
export const logBatchAnswer = z.object({ run_id: z.number() });
