import type { Endpoint } from "./endpoint";
import * as h from "./handlers/runs";
import type { Handler } from "./routes";
import { runEndpoints as e } from "./runs-endpoints";

// /compare before /{id}: the router takes the first path that matches
export const runRoutes: [Endpoint, Handler][] = [
  [e.listRuns, h.listRunsHandler],
  [e.compareRuns, h.compareRunsHandler],
  [e.getRun, h.getRunHandler],
  [e.patchRun, h.patchRunHandler],
  [e.runSeries, h.runSeriesHandler],
  [e.runArtifact, h.runArtifactHandler],
  [e.runOutput, h.runOutputHandler],
  [e.logRunBatch, h.logRunBatchHandler],
  [e.runNotebook, h.runNotebookHandler],
  [e.reproduceRun, h.reproduceRunHandler],
  [e.kernelLogBatch, h.kernelLogBatchHandler],
  [e.kernelPutArtifact, h.kernelPutArtifactHandler],
];
