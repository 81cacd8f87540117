import type { Endpoint } from "./endpoint";
import * as h from "./handlers/pipelines";
import { pipelineEndpoints as e } from "./pipelines-endpoints";
import type { Handler } from "./routes";

export const pipelineRoutes: [Endpoint, Handler][] = [
  [e.listPipelines, h.listPipelinesHandler],
  [e.createPipeline, h.createPipelineHandler],
  [e.getPipeline, h.getPipelineHandler],
  [e.updatePipeline, h.updatePipelineHandler],
  [e.getPipelineVersion, h.getPipelineVersionHandler],
  [e.deletePipeline, h.deletePipelineHandler],
];
