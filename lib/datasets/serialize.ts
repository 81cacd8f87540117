import { desc, eq, getTableColumns, inArray, max, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "../db";
import { datasetShares, datasetVersions, type DatasetRow, type DatasetVersionRow, groups, users } from "../db/schema";
import type { datasetSummary, versionSummary } from "./schemas";

type Summary = z.infer<typeof datasetSummary>;

/** Dataset models for rows (with their owners' names), in two queries whatever the count. */
export async function toSummaries(db: Db, rows: { row: DatasetRow; owner: string }[]): Promise<Summary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.row.id);
  const [shares, latest] = await Promise.all([
    db.select({ id: datasetShares.datasetId, group: groups.name }).from(datasetShares).innerJoin(groups, eq(groups.id, datasetShares.groupId)).where(inArray(datasetShares.datasetId, ids)),
    db.select({ id: datasetVersions.datasetId, latest: max(datasetVersions.version) }).from(datasetVersions).where(inArray(datasetVersions.datasetId, ids)).groupBy(datasetVersions.datasetId),
  ]);
  return rows.map(({ row, owner }) => ({
    id: row.id,
    name: row.name,
    owner,
    description: row.description,
    public: row.public,
    shared_groups: shares.filter((s) => s.id === row.id).map((s) => s.group).sort(),
    checks: row.checks,
    created_at: row.createdAt.toISOString(),
    latest_version: latest.find((l) => l.id === row.id)?.latest ?? null,
  }));
}

/** Every version of a dataset, newest first; manifests stay in the database (they can be large). */
export async function versionSummaries(db: Db, datasetId: number): Promise<z.infer<typeof versionSummary>[]> {
  const { files: _files, ...columns } = getTableColumns(datasetVersions);
  const rows = await db
    .select({ ...columns, fileCount: sql<number>`jsonb_array_length(${datasetVersions.files})`, by: users.name })
    .from(datasetVersions)
    .leftJoin(users, eq(users.id, datasetVersions.createdBy))
    .where(eq(datasetVersions.datasetId, datasetId))
    .orderBy(desc(datasetVersions.version));
  return rows.map((v) => versionSummaryOf(v, Number(v.fileCount), v.by));
}

export function versionSummaryOf(v: Omit<DatasetVersionRow, "files">, fileCount: number, createdBy: string | null) {
  return {
    version: v.version,
    size: v.size,
    files: fileCount,
    created_at: v.createdAt.toISOString(),
    created_by: createdBy,
    message: v.message,
    checks_status: v.checksStatus,
    produced_by_run_id: v.producedByRunId,
  };
}
