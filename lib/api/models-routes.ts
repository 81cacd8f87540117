import type { Endpoint } from "./endpoint";
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
];
