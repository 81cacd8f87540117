import { and, desc, eq, like } from "drizzle-orm";
import type { Db } from "../../db";
import { datasets, datasetVersions, runArtifacts, runInputs, users, type StepOutputs, type StepRunRow } from "../../db/schema";
import type { StepDefinition } from "../definition";

/** What a step's code sees of an input: a dataset version, by a reference the kiln module resolves. */
export type StepInput = { dataset: string; version: number; dataset_id: number; version_id: number } | { kind: "artifact" | "model"; step: string; output: string; run_id: number; path: string };

/**
 * A step's inputs for this pipeline run: a dataset it reads, at the version the run pinned
 * when it started; an upstream step's output, at the version that step made in this run.
 */
export async function resolveInputs(db: Db, step: StepDefinition, pins: Record<string, number>, upstream: StepRunRow[]): Promise<Record<string, StepInput>> {
  const out: Record<string, StepInput> = {};
  for (const [name, input] of Object.entries(step.inputs)) {
    let versionId: number | undefined;
    if ("dataset" in input) {
      const [owner, dsName] = input.dataset.includes(":") ? input.dataset.split(":", 2) : [null, input.dataset];
      const found = Object.values(pins);
      const rows = await db
        .select({ v: datasetVersions, name: datasets.name, owner: users.name })
        .from(datasetVersions)
        .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
        .innerJoin(users, eq(users.id, datasets.ownerId))
        .where(eq(datasets.name, dsName!));
      versionId = rows.find((r) => found.includes(r.v.id) && (!owner || r.owner === owner))?.v.id;
    } else {
      const made = upstream.find((u) => u.step === input.step)?.outputs[input.output];
      if (made?.kind === "dataset") versionId = made.version_id;
      else if (made) {
        // Read through the kiln module's step-input routes (step-inputs.ts): nothing to pin.
        out[name] = { kind: made.kind, step: input.step, output: input.output, run_id: made.run_id, path: made.path };
        continue;
      }
    }
    if (versionId === undefined) throw new Error(`input "${name}" has no dataset version in this run`);
    const [row] = await db
      .select({ v: datasetVersions, name: datasets.name, owner: users.name })
      .from(datasetVersions)
      .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
      .innerJoin(users, eq(users.id, datasets.ownerId))
      .where(eq(datasetVersions.id, versionId));
    out[name] = { dataset: `${row!.owner}:${row!.name}`, version: row!.v.version, dataset_id: row!.v.datasetId, version_id: row!.v.id };
  }
  return out;
}

/** The step's run reads exactly these versions: its lineage (and `kiln.dataset`) say so. */
export async function pinInputs(db: Db, runId: number, inputs: Record<string, StepInput>) {
  const values = Object.values(inputs).flatMap((i) => ("dataset_id" in i ? [{ runId, datasetId: i.dataset_id, versionId: i.version_id }] : []));
  if (values.length) await db.insert(runInputs).values(values).onConflictDoNothing();
}

/**
 * What the step's run produced for each declared output: the dataset version it saved
 * under the output's name, the model it logged under that name, the artifacts under
 * outputs/{name}/. A declared output it did not produce is named in the answer's `missing`.
 */
export async function collectOutputs(db: Db, runId: number, ownerId: number, step: StepDefinition): Promise<{ outputs: StepOutputs; missing: string[] }> {
  const outputs: StepOutputs = {};
  const missing: string[] = [];
  for (const [name, o] of Object.entries(step.outputs)) {
    if (o.kind === "dataset") {
      const [v] = await db
        .select({ v: datasetVersions })
        .from(datasetVersions)
        .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
        .where(and(eq(datasetVersions.producedByRunId, runId), eq(datasets.name, name), eq(datasets.ownerId, ownerId)))
        .orderBy(desc(datasetVersions.version))
        .limit(1);
      if (v) outputs[name] = { kind: "dataset", dataset_id: v.v.datasetId, version_id: v.v.id, version: v.v.version };
      else missing.push(name);
    } else {
      const prefix = o.kind === "model" ? `${name}/` : `outputs/${name}/`;
      const [a] = await db
        .select({ path: runArtifacts.path })
        .from(runArtifacts)
        .where(and(eq(runArtifacts.runId, runId), like(runArtifacts.path, `${prefix.replace(/[\\%_]/g, "\\$&")}%`), o.kind === "model" ? eq(runArtifacts.kind, "model") : undefined))
        .limit(1);
      if (a) outputs[name] = { kind: o.kind, run_id: runId, path: o.kind === "model" ? a.path : prefix.slice(0, -1) };
      else missing.push(name);
    }
  }
  return { outputs, missing };
}
