import { and, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { getDatabase } from "../db";
import { runMetrics, runParams, runTags } from "../db/schema";
import { ConflictError, ValidationError } from "../errors";
import { ingestMetrics } from "./metrics";
import type { LogBatch } from "./schemas";

/**
 * Params, tags and metric points into a run (the `kiln` module's batches, MLflow's shape).
 * A param is set once: the same value again is fine, another value is a 409 (as MLflow).
 * A metric point without a step gets the series' next step.
 */
export async function logBatch(ctx: Ctx, runId: number, batch: LogBatch) {
  const seen = new Set<string>();
  for (const p of batch.params) {
    if (seen.has(p.key)) throw new ValidationError(`params: "${p.key}" appears twice in one batch`, "params");
    seen.add(p.key);
  }
  if (batch.params.length) {
    await ctx.db.insert(runParams).values(batch.params.map((p) => ({ runId, key: p.key, value: p.value }))).onConflictDoNothing();
    const stored = await ctx.db.select().from(runParams).where(eq(runParams.runId, runId));
    const byKey = new Map(stored.map((r) => [r.key, r.value]));
    const clash = batch.params.find((p) => byKey.get(p.key) !== p.value);
    if (clash) throw new ConflictError(`Param "${clash.key}" is already "${byKey.get(clash.key)}" in this run; a param is logged once`, "params");
  }
  if (batch.tags.length)
    await ctx.db
      .insert(runTags)
      .values(batch.tags.map((t) => ({ runId, key: t.key, value: t.value })))
      .onConflictDoUpdate({ target: [runTags.runId, runTags.key], set: { value: sql`excluded.value` } });
  if (batch.metrics.length) {
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
    await ingestMetrics(await getDatabase(), runId, points);
  }
  return { run_id: runId };
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
