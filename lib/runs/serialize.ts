import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db";
import { recorder } from "../execution/recorder";
import { datasets, datasetVersions, executions, groups, runInputs, runMetrics, runParams, runShares, runTags, type RunRow, users } from "../db/schema";


const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * An interactive run lasts as long as its kernel session, mostly waiting for the next cell:
 * `activity` says whether a cell runs now ("executing") or not ("idle"); null once ended.
 */
function activityOf(r: RunRow, busy: Set<number>): "executing" | "idle" | null {
  if (r.status !== "running" && r.status !== "queued") return null;
  return r.kind === "batch" || busy.has(r.id) ? "executing" : "idle";
}

/** The interactive runs among `rows` with a cell queued or running now. */
async function executingRuns(db: Db, rows: RunRow[]): Promise<Set<number>> {
  const open = rows.filter((r) => r.kind === "interactive" && r.status === "running").map((r) => r.id);
  if (open.length === 0) return new Set();
  await recorder().settle();
  const found = await db.selectDistinct({ runId: executions.runId }).from(executions).where(and(inArray(executions.runId, open), inArray(executions.status, ["queued", "running"])));
  return new Set(found.map((f) => f.runId!));
}

/** Everything a runs table row shows, for many runs in a handful of statements (never one per run). */
export async function runModels(db: Db, rows: RunRow[]) {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [params, metrics, tags, inputs, shares, owners] = await Promise.all([
    db.select().from(runParams).where(inArray(runParams.runId, ids)),
    db.select().from(runMetrics).where(inArray(runMetrics.runId, ids)),
    db.select().from(runTags).where(inArray(runTags.runId, ids)),
    db
      .select({ runId: runInputs.runId, dataset: datasets.name, owner: users.name, version: datasetVersions.version, checks: datasetVersions.checksStatus })
      .from(runInputs)
      .innerJoin(datasetVersions, eq(datasetVersions.id, runInputs.versionId))
      .innerJoin(datasets, eq(datasets.id, runInputs.datasetId))
      .innerJoin(users, eq(users.id, datasets.ownerId))
      .where(inArray(runInputs.runId, ids)),
    db.select({ runId: runShares.runId, name: groups.name }).from(runShares).innerJoin(groups, eq(groups.id, runShares.groupId)).where(inArray(runShares.runId, ids)),
    db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...new Set(rows.map((r) => r.ownerId))])),
  ]);
  const busy = await executingRuns(db, rows);
  const by = <T extends { runId: number }>(xs: T[]) => {
    const m = new Map<number, T[]>();
    for (const x of xs) (m.get(x.runId) ?? m.set(x.runId, []).get(x.runId)!).push(x);
    return m;
  };
  const [p, m, t, i, sh] = [by(params), by(metrics), by(tags), by(inputs), by(shares)];
  const ownerName = new Map(owners.map((o) => [o.id, o.name]));
  return rows.map((r) => ({
    id: r.id, owner: ownerName.get(r.ownerId) ?? "", notebook_id: r.notebookId, notebook_name: r.notebookName, notebook_revision: r.notebookRevision,
    kind: r.kind, status: r.status, activity: activityOf(r, busy), reproduces_id: r.reproducesId, image: r.image, image_digest: r.imageDigest, resources: r.resources,
    started_at: r.startedAt.toISOString(), ended_at: iso(r.endedAt),
    duration_s: +(((r.endedAt ?? new Date()).getTime() - r.startedAt.getTime()) / 1000).toFixed(3),
    error: r.error, public: r.public, injected: r.injected,
    shared_groups: (sh.get(r.id) ?? []).map((x) => x.name).sort(),
    params: Object.fromEntries((p.get(r.id) ?? []).map((x) => [x.key, x.value])),
    metrics: Object.fromEntries((m.get(r.id) ?? []).map((x) => [x.key, { last: x.last, last_step: x.lastStep, min: x.min, max: x.max, count: x.count }])),
    tags: Object.fromEntries((t.get(r.id) ?? []).map((x) => [x.key, x.value])),
    inputs: (i.get(r.id) ?? []).map((x) => ({ dataset: x.dataset, owner: x.owner, version: x.version, checks_status: x.checks })),
  }));
}
export type RunModel = Awaited<ReturnType<typeof runModels>>[number];
