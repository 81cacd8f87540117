import type { Endpoint } from "./endpoint";
import * as h from "./handlers/pipelines";
import { pipelineRunEndpoints as r } from "./pipeline-runs-endpoints";
import { pipelineEndpoints as e } from "./pipelines-endpoints";
import type { Handler } from "./routes";

export const pipelineRoutes: [Endpoint, Handler][] = [
  [e.promoteCells, h.promoteCellsHandler], // before /api/pipelines/{id}
  [e.notebookSteps, h.notebookStepsHandler],
  [e.listPipelines, h.listPipelinesHandler],
  [e.createPipeline, h.createPipelineHandler],
  [e.getPipeline, h.getPipelineHandler],
  [e.updatePipeline, h.updatePipelineHandler],
  [e.getPipelineVersion, h.getPipelineVersionHandler],
  [e.deletePipeline, h.deletePipelineHandler],
  [r.runPipeline, h.runPipelineHandler],
  [r.listPipelineRuns, h.listPipelineRunsHandler],
  [r.listAllPipelineRuns, h.listAllPipelineRunsHandler],
  [r.getPipelineRun, h.getPipelineRunHandler],
  [r.cancelPipelineRun, h.cancelPipelineRunHandler],
  [r.stepLog, h.stepLogHandler],
  [r.listSchedules, h.listSchedulesHandler],
  [r.createSchedule, h.createScheduleHandler],
  [r.updateSchedule, h.updateScheduleHandler],
  [r.deleteSchedule, h.deleteScheduleHandler],
  [r.setWebhook, h.setWebhookHandler],
  [r.listStepInput, h.listStepInputHandler],
  [r.stepInputFile, h.stepInputFileHandler],
];
