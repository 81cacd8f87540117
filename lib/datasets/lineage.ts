import { and, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { datasets, datasetVersions, users } from "../db/schema";
import { findDataset, readableBy } from "./access";

type Node = { id: string; kind: "version" | "run"; label: string };

/**
 * The dataset's lineage as a graph: each version, the run that produced it, and the
 * versions (of any dataset the caller may read) that run had read. Edges follow the data:
 * parent version -> run -> version.
 */
export async function datasetLineage({ ctx, input }: { ctx: Ctx; input: { ref: string } }) {
  const { row } = await findDataset(ctx, input.ref);
  const versions = await ctx.db
    .select({ id: datasetVersions.id, version: datasetVersions.version, runId: datasetVersions.producedByRunId, parents: datasetVersions.parentVersionIds })
    .from(datasetVersions)
    .where(eq(datasetVersions.datasetId, row.id))
    .orderBy(datasetVersions.version);
  const parentIds = [...new Set(versions.flatMap((v) => v.parents))];
  const parents = parentIds.length
    ? await ctx.db
        .select({ id: datasetVersions.id, datasetId: datasets.id, name: datasets.name, owner: users.name, version: datasetVersions.version })
        .from(datasetVersions)
        .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
        .innerJoin(users, eq(users.id, datasets.ownerId))
        .where(and(inArray(datasetVersions.id, parentIds), readableBy(ctx)))
    : [];
  const nodes = new Map<string, Node>();
  const edges: { from: string; to: string }[] = [];
  const versionNode = (datasetId: number, version: number) => `v:${datasetId}:${version}`;
  for (const v of versions) {
    const id = versionNode(row.id, v.version);
    nodes.set(id, { id, kind: "version", label: `${row.name} v${v.version}` });
  }
  for (const v of versions) {
    if (!v.runId) continue;
    const run = `r:${v.runId}`;
    nodes.set(run, { id: run, kind: "run", label: `run ${v.runId}` });
    edges.push({ from: run, to: versionNode(row.id, v.version) });
    for (const p of parents.filter((x) => v.parents.includes(x.id))) {
      const id = versionNode(p.datasetId, p.version);
      if (!nodes.has(id)) nodes.set(id, { id, kind: "version", label: `${p.datasetId === row.id ? p.name : `${p.owner}:${p.name}`} v${p.version}` });
      if (!edges.some((e) => e.from === id && e.to === run)) edges.push({ from: id, to: run });
    }
  }
  return { nodes: [...nodes.values()], edges };
}
