import type { PGlite } from "@electric-sql/pglite";
import { aggregateBatch } from "./aggregate";
import { summaryParams } from "./batch-params";
import { encodeBinaryCopy } from "./copy-encode";
import { COPY_POINTS_BINARY_BLOB, UPSERT_SUMMARIES } from "./sql";
import type { AlsoInTransaction, MetricPoint } from "./types";

/**
 * The same binary COPY as on PostgreSQL, through PGlite's /dev/blob device. Parsing numbers
 * and timestamps out of text is what costs most in PGlite's WebAssembly build: measured, a
 * multi-row INSERT of 1000 points spends more time reading its array literals than inserting.
 */
export async function ingestPglite(client: PGlite, runId: number, points: readonly MetricPoint[], also?: AlsoInTransaction): Promise<void> {
  const { buckets, series } = aggregateBatch(points);
  const blob = new Blob([encodeBinaryCopy(runId, points)]);
  await client.transaction(async (tx) => {
    if (also) await also(async (q) => (await tx.query<Record<string, unknown>>(q.sql, q.params)).rows);
    if (points.length === 0) return;
    await tx.query(COPY_POINTS_BINARY_BLOB, [], { blob });
    await tx.query(UPSERT_SUMMARIES, summaryParams(runId, buckets, series));
  });
}
