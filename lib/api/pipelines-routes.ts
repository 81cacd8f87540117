import type { Endpoint } from "./endpoint";
import * as h from "./handlers/pipelines";
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
];
