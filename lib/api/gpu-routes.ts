import type { Endpoint } from "./endpoint";
import { gpuEndpoints as e } from "./gpu-endpoints";
import * as h from "./handlers/gpus";
import type { Handler } from "./routes";

export const gpuRoutes: [Endpoint, Handler][] = [
  [e.gpuOverview, h.gpuOverviewHandler],
  [e.rescanGpus, h.rescanGpusHandler],
  [e.cancelGpuRequest, h.cancelGpuRequestHandler],
  [e.moveGpuRequest, h.moveGpuRequestHandler],
  [e.listGpuQuotas, h.listGpuQuotasHandler],
  [e.setGpuQuota, h.setGpuQuotaHandler],
  [e.deleteGpuQuota, h.deleteGpuQuotaHandler],
  [e.gpuUsage, h.gpuUsageHandler],
  [e.myGpuQuota, h.myGpuQuotaHandler],
];
