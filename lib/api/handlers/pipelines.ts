import { Readable } from "node:stream";
import { handle, json, noContent } from "../../http/handle";
import { createPipeline, deletePipeline, getPipeline, listPipelines, updatePipeline } from "../../pipelines/manage";
import { notebookSteps, promoteCells } from "../../pipelines/promote";
import { cancelPipelineRun } from "../../pipelines/runs/cancel";
import { getPipelineRun, getStepLog, listPipelineRuns } from "../../pipelines/runs/read";
import { createSchedule, deleteSchedule, listSchedules, updateSchedule } from "../../pipelines/runs/schedules";
import { runPipeline } from "../../pipelines/runs/start";
import { listStepInput, stepInputFile } from "../../pipelines/runs/step-inputs";
import { setWebhook } from "../../pipelines/runs/webhook-config";
import { pipelineRunEndpoints as r } from "../pipeline-runs-endpoints";
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

export const runPipelineHandler = handle(r.runPipeline, async ({ ctx, params, body }) => json(await runPipeline({ ctx, input: { id: params.id, params: body.params } }), 201));
export const listPipelineRunsHandler = handle(r.listPipelineRuns, async ({ ctx, params, query }) => json(await listPipelineRuns({ ctx, input: { pipelineId: params.id, ...query } })));
export const listAllPipelineRunsHandler = handle(r.listAllPipelineRuns, async ({ ctx, query }) => json(await listPipelineRuns({ ctx, input: query })));
export const getPipelineRunHandler = handle(r.getPipelineRun, async ({ ctx, params }) => json(await getPipelineRun({ ctx, input: params })));
export const cancelPipelineRunHandler = handle(r.cancelPipelineRun, async ({ ctx, params }) => json(await cancelPipelineRun({ ctx, input: params })));
export const stepLogHandler = handle(r.stepLog, async ({ ctx, params, query }) => json(await getStepLog({ ctx, input: { ...params, ...query } })));
export const listSchedulesHandler = handle(r.listSchedules, async ({ ctx, params }) => json(await listSchedules({ ctx, input: params })));
export const createScheduleHandler = handle(r.createSchedule, async ({ ctx, params, body }) => json(await createSchedule({ ctx, input: { id: params.id, body } }), 201));
export const updateScheduleHandler = handle(r.updateSchedule, async ({ ctx, params, body }) => json(await updateSchedule({ ctx, input: { id: params.id, scheduleId: params.schedule_id, paused: body.paused } })));
export const deleteScheduleHandler = handle(r.deleteSchedule, async ({ ctx, params }) => {
  await deleteSchedule({ ctx, input: { id: params.id, scheduleId: params.schedule_id } });
  return noContent();
});
export const listStepInputHandler = handle(r.listStepInput, async ({ ctx, params }) => json(await listStepInput({ ctx, input: params })));
export const stepInputFileHandler = handle(r.stepInputFile, async ({ ctx, params }) => {
  const f = await stepInputFile({ ctx, input: params });
  return new Response(Readable.toWeb(f.stream) as ReadableStream, { headers: { "content-type": "application/octet-stream", "content-length": String(f.size) } });
});
export const setWebhookHandler = handle(r.setWebhook, async ({ ctx, params, body }) => json(await setWebhook({ ctx, input: { id: params.id, url: body.url } })));
