import { and, eq, like } from "drizzle-orm";
import type { Ctx } from "../../auth/principal";
import { blobStore } from "../../datasets/blobs";
import { readFile } from "../../datasets/store";
import { pipelineRuns, pipelineStepRuns, pipelineVersions, runArtifacts } from "../../db/schema";
import { ForbiddenError, NotFoundError } from "../../errors";

/**
 * The artifact or model an upstream step produced, as the step reading it names it: only
 * the step's own token asks (it names no run: the token is the step's run), and only for
 * an input its definition declares.
 */
async function upstreamOutput(ctx: Ctx, name: string) {
  const runId = ctx.actor?.kind === "user" ? ctx.actor.runId : null;
  if (!runId) throw new ForbiddenError("Only a pipeline step reads step inputs (kiln.input, with its step's token)");
  const [row] = await ctx.db
    .select({ s: pipelineStepRuns, r: pipelineRuns, v: pipelineVersions })
    .from(pipelineStepRuns)
    .innerJoin(pipelineRuns, eq(pipelineRuns.id, pipelineStepRuns.pipelineRunId))
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, pipelineRuns.versionId))
    .where(eq(pipelineStepRuns.runId, runId));
  const input = row?.v.definition.steps.find((s) => s.name === row.s.step)?.inputs[name];
  if (!row || !input || !("step" in input)) throw new NotFoundError(`This step has no input "${name}" from another step`);
  const [up] = await ctx.db.select().from(pipelineStepRuns).where(and(eq(pipelineStepRuns.pipelineRunId, row.r.id), eq(pipelineStepRuns.step, input.step)));
  const made = up?.outputs[input.output];
  if (!made || made.kind === "dataset") throw new NotFoundError(`Input "${name}" is not an artifact or a model of step "${input.step}" in this run`);
  // A model is a file with its sidecar beside it; an artifact output is a folder.
  const folder = made.kind === "model" ? made.path.split("/").slice(0, -1).join("/") : made.path;
  return { kind: made.kind, runId: made.run_id, folder, file: made.kind === "model" ? made.path.slice(folder.length + 1) : null };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, "\\$&");

/** GET /api/kernel/inputs/{name}: the files of an artifact or model input, relative to its folder. */
export async function listStepInput({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  const out = await upstreamOutput(ctx, input.name);
  const files = await ctx.db
    .select({ path: runArtifacts.path, size: runArtifacts.size, sha256: runArtifacts.sha256 })
    .from(runArtifacts)
    .where(and(eq(runArtifacts.runId, out.runId), like(runArtifacts.path, `${escapeLike(out.folder)}/%`)));
  return { kind: out.kind, run_id: out.runId, file: out.file, files: files.map((f) => ({ ...f, path: f.path.slice(out.folder.length + 1) })) };
}

/** GET /api/kernel/inputs/{name}/files/{path+}: one of those files' bytes. */
export async function stepInputFile({ ctx, input }: { ctx: Ctx; input: { name: string; path: string } }) {
  const out = await upstreamOutput(ctx, input.name);
  const [a] = await ctx.db.select().from(runArtifacts).where(and(eq(runArtifacts.runId, out.runId), eq(runArtifacts.path, `${out.folder}/${input.path}`)));
  if (!a) throw new NotFoundError(`Input "${input.name}" has no file ${input.path}`);
  return { size: a.size, stream: readFile(blobStore(), a.chunks) };
}
