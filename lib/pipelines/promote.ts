import { and, desc, eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { type NotebookCell, pipelines, pipelineVersions } from "../db/schema";
import { ValidationError } from "../errors";
import { requireOwnNotebook } from "../notebooks/find";
import { sourceText } from "../runs/parameters";
import type { StepDefinition } from "./definition";
import { createPipeline, getPipeline, updatePipeline } from "./manage";

export interface PromoteInput {
  /** The pipeline, by name in the caller's namespace: made when it does not exist yet. */
  pipeline: string;
  step: string;
  notebook_id: number;
  /** The cells that become the step, in the notebook's order whatever order they are given in. */
  cell_ids: string[];
  /** Anything else of the step (inputs, outputs, parameters, image...); kept from the step's previous version when left out. */
  with?: Partial<Omit<StepDefinition, "name" | "code" | "cells">>;
}

/** The code a step made of these cells runs: their sources in notebook order, a blank line between. */
function codeOf(cells: NotebookCell[], ids: string[], notebookId: number): { code: string; cells: { notebook_id: number; cell_id: string }[] } {
  const wanted = new Set(ids);
  for (const id of wanted) {
    const cell = cells.find((c) => c.id === id);
    if (!cell) throw new ValidationError(`Notebook ${notebookId} has no cell ${id}`, "cell_ids");
    if (cell.cell_type !== "code") throw new ValidationError(`Cell ${id} is not a code cell`, "cell_ids");
  }
  const picked = cells.filter((c) => wanted.has(c.id));
  return { code: picked.map((c) => sourceText(c).replace(/\s+$/, "")).join("\n\n") + "\n", cells: picked.map((c) => ({ notebook_id: notebookId, cell_id: c.id })) };
}

/**
 * "Promote to step": notebook cells become a step of a pipeline (a new one, or the next
 * version of one the caller has), replacing the step of that name if there is one.
 */
export async function promoteCells({ ctx, input }: { ctx: Ctx; input: PromoteInput }) {
  const nb = await requireOwnNotebook(ctx, input.notebook_id);
  if (!input.cell_ids.length) throw new ValidationError("Pick at least one cell", "cell_ids");
  const made = codeOf(nb.content.cells, input.cell_ids, nb.id);
  const [existing] = await ctx.db.select().from(pipelines).where(and(eq(pipelines.ownerId, nb.ownerId), eq(pipelines.name, input.pipeline)));
  if (!existing) {
    const step = { ...input.with, name: input.step, ...made };
    return { ...(await createPipeline({ ctx, input: { name: input.pipeline, definition: { steps: [step] } } })), promoted: input.step };
  }
  const current = await getPipeline({ ctx, input: { id: existing.id } });
  const steps = current.definition.steps as StepDefinition[];
  const before = steps.find((s) => s.name === input.step);
  const step = { ...(before ?? {}), ...input.with, name: input.step, ...made };
  const next = before ? steps.map((s) => (s.name === input.step ? step : s)) : [...steps, step];
  return { ...(await updatePipeline({ ctx, input: { id: existing.id, definition: { ...current.definition, steps: next } } })), promoted: input.step };
}

/**
 * Which of a notebook's cells became steps, from the latest version of each of the owner's
 * pipelines, and whether each step still runs what the cells hold now (if not, the page
 * offers to update it: a new version).
 */
export async function notebookSteps({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const nb = await requireOwnNotebook(ctx, input.id);
  const rows = await ctx.db
    .selectDistinctOn([pipelines.id], { id: pipelines.id, name: pipelines.name, version: pipelineVersions.version, definition: pipelineVersions.definition })
    .from(pipelines)
    .innerJoin(pipelineVersions, eq(pipelineVersions.pipelineId, pipelines.id))
    .where(eq(pipelines.ownerId, nb.ownerId))
    .orderBy(pipelines.id, desc(pipelineVersions.version));
  const steps = [];
  for (const p of rows)
    for (const s of p.definition.steps) {
      const ids = (s.cells ?? []).filter((c) => c.notebook_id === nb.id).map((c) => c.cell_id);
      if (!ids.length) continue;
      const present = ids.filter((id) => nb.content.cells.some((c) => c.id === id && c.cell_type === "code"));
      const upToDate = present.length === ids.length && codeOf(nb.content.cells, ids, nb.id).code === s.code;
      steps.push({ pipeline_id: p.id, pipeline: p.name, version: p.version, step: s.name, cell_ids: ids, up_to_date: upToDate });
    }
  return { steps };
}
