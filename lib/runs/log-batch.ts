import { and, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { getDatabase } from "../db";
import { runMetrics, runParams, runTags } from "../db/schema";
import { ConflictError, ValidationError } from "../errors";
import { type AlsoInTransaction, ingestMetrics } from "./metrics";
import type { LogBatch } from "./schemas";

/**
 * Params, tags and metric points into a run (the `kiln` module's batches, MLflow's shape).
 * A param is set once: the same value again is fine, another value is a 409 (as MLflow).
 * A metric point without a step gets the series' next step. All or nothing: the batch is
 * checked whole first, then stored in one transaction, so a refused batch leaves no trace.
 */
export async function logBatch(ctx: Ctx, runId: number, batch: LogBatch) {
  refuseTwice(batch.params, "params");
  refuseTwice(batch.tags, "tags");
  const next = await nextSteps(ctx, runId, batch.metrics.filter((m) => m.step === undefined).map((m) => m.key));
  const now = Date.now();
  const points = batch.metrics.map((m) => {
    let step = m.step;
    if (step === undefined) {
      step = next.get(m.key) ?? 0;
      next.set(m.key, step + 1);
    }
    return { key: m.key, value: m.value, step, ts: new Date(m.timestamp ?? now) };
  });
  const also = batch.params.length || batch.tags.length ? paramsAndTags(ctx, runId, batch) : undefined;
  await ingestMetrics(await getDatabase(), runId, points, also);
  return { run_id: runId };
}

/** A key twice in one batch is ambiguous (and one INSERT cannot upsert a row twice). */
function refuseTwice(items: { key: string }[], field: "params" | "tags") {
  const seen = new Set<string>();
  for (const { key } of items) {
    if (seen.has(key)) throw new ValidationError(`${field}: "${key}" appears twice in one batch`, field);
    seen.add(key);
  }
}

/** The batch's params and tags, written in the points' transaction; a clashing param rolls it all back. */
function paramsAndTags(ctx: Ctx, runId: number, batch: LogBatch): AlsoInTransaction {
  return async (run) => {
    if (batch.params.length) {
      await run(ctx.db.insert(runParams).values(batch.params.map((p) => ({ runId, key: p.key, value: p.value }))).onConflictDoNothing().toSQL());
      const keys = batch.params.map((p) => p.key);
      const stored = await run(ctx.db.select({ key: runParams.key, value: runParams.value }).from(runParams).where(and(eq(runParams.runId, runId), inArray(runParams.key, keys))).toSQL());
      const byKey = new Map(stored.map((r) => [String(r.key), String(r.value)]));
      const clash = batch.params.find((p) => byKey.get(p.key) !== p.value);
      if (clash) throw new ConflictError(`Param "${clash.key}" is already "${byKey.get(clash.key)}" in this run; a param is logged once`, "params");
    }
    if (batch.tags.length)
      await run(
        ctx.db
          .insert(runTags)
          .values(batch.tags.map((t) => ({ runId, key: t.key, value: t.value })))
          .onConflictDoUpdate({ target: [runTags.runId, runTags.key], set: { value: sql`excluded.value` } })
          .toSQL(),
      );
  };
}

/** Each series' next step, in one statement: the `kiln` module sends steps, other clients may not. */
async function nextSteps(ctx: Ctx, runId: number, keys: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const wanted = [...new Set(keys)];
  if (wanted.length === 0) return out;
  const rows = await ctx.db.select({ key: runMetrics.key, last: runMetrics.lastStep }).from(runMetrics).where(and(eq(runMetrics.runId, runId), inArray(runMetrics.key, wanted)));
  for (const key of wanted) out.set(key, 0);
  for (const r of rows) out.set(r.key, r.last + 1);
  return out;
}
