import type { Database } from "../../db/types";
import { ingestPglite } from "./ingest-pglite";
import { ingestPostgres } from "./ingest-postgres";
import type { AlsoInTransaction, MetricPoint } from "./types";
import { validatePoints } from "./validate";

/**
 * Appends points to their series and, in the same transaction, brings the series' summaries
 * (metric_buckets, run_metrics) up to date. The run must exist: the caller checks it.
 * Batches for one run may arrive concurrently; no summary update is lost.
 *
 * On PostgreSQL the commit does not wait for the WAL flush (synchronous_commit off, for
 * these transactions only): a batch is still all or nothing, but a crash of PostgreSQL
 * itself may lose the batches acknowledged in its last fraction of a second. For metric
 * points that is the right trade (MLflow-style telemetry, re-sent by nobody); waiting for
 * the flush halved a single writer's rate (bench/metrics.ts: 116k -> 164k points/s).
 * `also` runs other writes of the same batch in the transaction (see AlsoInTransaction).
 */
export async function ingestMetrics(database: Database, runId: number, points: readonly MetricPoint[], also?: AlsoInTransaction): Promise<void> {
  if (points.length === 0 && !also) return;
  validatePoints(points);
  const raw = database.raw;
  // params and tags are not telemetry: a batch holding them waits for its flush
  if (raw.kind === "postgres") await ingestPostgres(raw.sql, runId, points, { synchronousCommit: also ? true : false, also });
  else await ingestPglite(raw.client, runId, points, also);
}
