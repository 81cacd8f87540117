import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { type ModelLineage, modelVersions, models, runArtifacts, runMetrics, type RunRow } from "../db/schema";
import { ValidationError } from "../errors";
import { requireReadableRun } from "../runs/access";
import { runModels } from "../runs/serialize";
import { actingUserId } from "./access";
import { modelBytes } from "./bytes";
import { readSignature } from "./signature";

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface RegisterInput {
  run_id: number;
  /** The model artifact: its path in the run, or the name it was logged under; optional when the run logged one model. */
  artifact?: string;
  name: string;
  description?: string;
}

/** The run's model artifact the caller means, or a 400 listing those it has. */
async function pickArtifact(db: Db, run: RunRow, artifact: string | undefined) {
  const all = await db.select().from(runArtifacts).where(and(eq(runArtifacts.runId, run.id), eq(runArtifacts.kind, "model")));
  const named = (a: (typeof all)[number]) => String((a.metadata as { name?: unknown }).name ?? a.path.split("/")[0]);
  const found = artifact === undefined ? (all.length === 1 ? all : []) : all.filter((a) => a.path === artifact || named(a) === artifact);
  if (found.length === 1) return found[0]!;
  const have = all.map((a) => `${named(a)} (${a.path})`).join(", ") || "none";
  throw new ValidationError(
    artifact === undefined ? `artifact: run ${run.id} logged ${all.length} models (${have}): name one` : `artifact: run ${run.id} has no model ${JSON.stringify(artifact)}; its models: ${have}`,
    "artifact",
  );
}

/** Where the version came from, copied now: lineage must outlive the run. */
async function lineageOf(db: Db, run: RunRow): Promise<{ lineage: ModelLineage; metrics: Record<string, number> }> {
  const [model] = await runModels(db, [run]);
  const metrics = await db.select({ key: runMetrics.key, last: runMetrics.last }).from(runMetrics).where(eq(runMetrics.runId, run.id));
  return {
    lineage: {
      run_id: run.id, notebook_id: run.notebookId, notebook_name: run.notebookName, notebook_revision: run.notebookRevision,
      image: run.image, image_digest: run.imageDigest,
      datasets: (model?.inputs ?? []).map((i) => ({ dataset: i.dataset, owner: i.owner, version: i.version })),
      params: model?.params ?? {},
    },
    metrics: Object.fromEntries(metrics.map((m) => [m.key, m.last])),
  };
}

/**
 * Registers a run's ONNX model as the next version of the caller's model `name` (made on
 * first use). The file is read by onnxruntime first: one it cannot load is refused here.
 * Version numbers are taken under the model row's lock, so two registrations at once get
 * two numbers.
 */
export async function registerModel(ctx: Ctx, input: RegisterInput) {
  if (!MODEL_NAME.test(input.name)) throw new ValidationError("name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100", "name");
  const ownerId = actingUserId(ctx);
  const run = await requireReadableRun(ctx, input.run_id);
  const artifact = await pickArtifact(ctx.db, run, input.artifact);
  const signature = await readSignature(await modelBytes(artifact.chunks, artifact.size));
  const { lineage, metrics } = await lineageOf(ctx.db, run);
  await ctx.db.insert(models).values({ ownerId, name: input.name }).onConflictDoNothing(); // made on first use
  return ctx.db.transaction(async (tx) => {
    const [model] = await tx.select().from(models).where(and(eq(models.ownerId, ownerId), eq(models.name, input.name))).for("update");
    const [{ next } = { next: 1 }] = await tx
      .select({ next: sql<number>`coalesce(max(${modelVersions.version}), 0)::int + 1` })
      .from(modelVersions)
      .where(eq(modelVersions.modelId, model!.id));
    const [row] = await tx
      .insert(modelVersions)
      .values({
        modelId: model!.id, version: Number(next), runId: run.id, artifactPath: artifact.path, size: artifact.size, sha256: artifact.sha256, chunks: artifact.chunks,
        signature, metrics, lineage, description: input.description ?? "", registeredBy: ownerId,
      })
      .returning();
    return { model: model!, version: row! };
  });
}
