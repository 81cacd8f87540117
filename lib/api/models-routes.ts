import type { Endpoint } from "./endpoint";
import { endpointEndpoints as ee } from "./endpoints-endpoints";
import * as eh from "./handlers/endpoints";
import * as h from "./handlers/models";
import { modelEndpoints as e } from "./models-endpoints";
import type { Handler } from "./routes";

export const modelRoutes: [Endpoint, Handler][] = [
  [e.listModels, h.listModelsHandler],
  [e.registerModelVersion, h.registerModelVersionHandler], // before /api/models/{id}
  [e.getModel, h.getModelHandler],
  [e.patchModel, h.patchModelHandler],
  [e.deleteModel, h.deleteModelHandler],
  [e.getModelVersion, h.getModelVersionHandler],
  [e.modelVersionFile, h.modelVersionFileHandler],
  [e.setModelAlias, h.setModelAliasHandler],
  [e.deleteModelAlias, h.deleteModelAliasHandler],
  [e.kernelRegisterModel, h.kernelRegisterModelHandler],
  [ee.listEndpoints, eh.listEndpointsHandler],
  [ee.createEndpoint, eh.createEndpointHandler],
  [ee.getEndpoint, eh.getEndpointHandler],
  [ee.getEndpointStats, eh.getEndpointStatsHandler],
  [ee.patchEndpoint, eh.patchEndpointHandler],
  [ee.setEndpointTraffic, eh.setEndpointTrafficHandler],
  [ee.rotateEndpointToken, eh.rotateEndpointTokenHandler],
  [ee.deleteEndpoint, eh.deleteEndpointHandler],
];
