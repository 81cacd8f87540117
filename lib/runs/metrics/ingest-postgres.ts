import type { Sql } from "postgres";
import { aggregateBatch } from "./aggregate";
import { summaryParams } from "./batch-params";
import { encodeBinaryCopy, encodeTextCopy } from "./copy-encode";
import { copyIn } from "./copy-in";
import { COPY_POINTS_BINARY, COPY_POINTS_TEXT, UPSERT_SUMMARIES } from "./sql";
import type { AlsoInTransaction, MetricPoint } from "./types";

export interface PostgresIngestOptions {
  /** Binary by default: measured faster than text here (bench/metrics.ts). */
  format?: "binary" | "text";
  /**
   * false: the commit does not wait for its WAL flush (a PostgreSQL crash may lose the last
   * fraction of a second of acknowledged points, never half a batch). ingestMetrics sets it.
   */
  synchronousCommit?: boolean;
  /** Other writes of the batch, in the same transaction, before the points. */
  also?: AlsoInTransaction;
}

/**
 * One transaction: the points by COPY, then every summary in one upsert. The upsert comes
 * last so the summary rows stay locked only until the commit right after it.
 *
 * On a reserved connection rather than sql.begin so statements can be pipelined: BEGIN goes
 * out with the COPY, the upsert with the COMMIT. Three round trips a batch instead of five,
 * which is most of what a 1000-point batch costs beyond the COPY itself.
 */
export async function ingestPostgres(sql: Sql, runId: number, points: readonly MetricPoint[], options: PostgresIngestOptions = {}): Promise<void> {
  const { buckets, series } = aggregateBatch(points);
  const binary = (options.format ?? "binary") === "binary";
  const data = binary ? encodeBinaryCopy(runId, points) : encodeTextCopy(runId, points);
  const params = summaryParams(runId, buckets, series);
  const tx = await sql.reserve();
  try {
    const begin = [tx.unsafe("begin").execute()];
    if (options.synchronousCommit === false) begin.push(tx.unsafe("set local synchronous_commit = off").execute());
    for (const b of begin) b.catch(() => {}); // the COPY behind them fails too, and that error is the one thrown
    if (options.also) await options.also((q) => tx.unsafe(q.sql, q.params as never[]));
    if (points.length) await copyIn(tx, binary ? COPY_POINTS_BINARY : COPY_POINTS_TEXT, data);
    await Promise.all(begin);
    await Promise.all([points.length ? tx.unsafe(UPSERT_SUMMARIES, params, { prepare: true }) : null, tx.unsafe("commit")]);
  } catch (e) {
    await tx.unsafe("rollback").catch(() => {});
    throw e;
  } finally {
    tx.release();
  }
}
