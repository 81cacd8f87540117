import { datasetEndpoints as e } from "./datasets-endpoints";
import type { Endpoint } from "./endpoint";
import * as h from "./handlers/datasets";
import type { Handler } from "./routes";

export const datasetRoutes: [Endpoint, Handler][] = [
  [e.listDatasets, h.listDatasetsHandler],
  [e.createDataset, h.createDatasetHandler],
  [e.getDataset, h.getDatasetHandler],
  [e.patchDataset, h.patchDatasetHandler],
  [e.startUpload, h.startUploadHandler],
  [e.putUploadFile, h.putUploadFileHandler],
  [e.commitUpload, h.commitUploadHandler],
  [e.abortUpload, h.abortUploadHandler],
  [e.getDatasetVersion, h.getDatasetVersionHandler],
  [e.downloadDatasetFile, h.downloadDatasetFileHandler],
  [e.datasetTable, h.datasetTableHandler],
  [e.diffDataset, h.diffDatasetHandler],
  [e.datasetLineage, h.datasetLineageHandler],
  [e.kernelDataset, h.kernelDatasetHandler],
];
