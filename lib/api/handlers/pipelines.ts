import { handle, json, noContent } from "../../http/handle";
import { createPipeline, deletePipeline, getPipeline, listPipelines, updatePipeline } from "../../pipelines/manage";
import { notebookSteps, promoteCells } from "../../pipelines/promote";
import { pipelineEndpoints as e } from "../pipelines-endpoints";

export const listPipelinesHandler = handle(e.listPipelines, async ({ ctx }) => json(await listPipelines({ ctx })));
export const createPipelineHandler = handle(e.createPipeline, async ({ ctx, body }) => json(await createPipeline({ ctx, input: body }), 201));
export const getPipelineHandler = handle(e.getPipeline, async ({ ctx, params }) => json(await getPipeline({ ctx, input: params })));
export const updatePipelineHandler = handle(e.updatePipeline, async ({ ctx, params, body }) => json(await updatePipeline({ ctx, input: { ...params, ...body } })));
export const getPipelineVersionHandler = handle(e.getPipelineVersion, async ({ ctx, params }) => json(await getPipeline({ ctx, input: params })));
export const promoteCellsHandler = handle(e.promoteCells, async ({ ctx, body }) => {
  const { pipeline, step, notebook_id, cell_ids, ...rest } = body;
  return json(await promoteCells({ ctx, input: { pipeline, step, notebook_id, cell_ids, with: rest as never } }), 201);
});
export const notebookStepsHandler = handle(e.notebookSteps, async ({ ctx, params }) => json(await notebookSteps({ ctx, input: params })));
export const deletePipelineHandler = handle(e.deletePipeline, async ({ ctx, params }) => {
  await deletePipeline({ ctx, input: params });
  return noContent();
});
