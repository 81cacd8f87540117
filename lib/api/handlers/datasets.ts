import { Readable } from "node:stream";
import { createDataset } from "../../datasets/create";
import { diffVersions } from "../../datasets/diff";
import { getDataset } from "../../datasets/get";
import { datasetLineage } from "../../datasets/lineage";
import { listDatasets } from "../../datasets/list";
import { patchDataset } from "../../datasets/patch";
import { resolveForRun } from "../../datasets/resolve";
import { abortUpload } from "../../datasets/uploads/abort";
import { bodyBytes, declaredLength } from "../../datasets/uploads/body";
import { commitUpload } from "../../datasets/uploads/commit";
import { putUploadFile } from "../../datasets/uploads/put-file";
import { startUpload } from "../../datasets/uploads/start";
import { versionTable } from "../../datasets/table";
import { getVersion, openVersionFile } from "../../datasets/versions";
import { ValidationError } from "../../errors";
import { handle, json, noContent } from "../../http/handle";
import { executionHeader, kernelHeader, optionalRunOfRequest, runOfExecution } from "../../runs/current";
import { datasetEndpoints as e } from "../datasets-endpoints";

export const listDatasetsHandler = handle(e.listDatasets, async ({ ctx }) => json(await listDatasets({ ctx })));
export const createDatasetHandler = handle(e.createDataset, async ({ ctx, body }) => json(await createDataset({ ctx, input: body }), 201));
export const getDatasetHandler = handle(e.getDataset, async ({ ctx, params }) => json(await getDataset({ ctx, input: params })));
export const patchDatasetHandler = handle(e.patchDataset, async ({ ctx, params, body }) => json(await patchDataset({ ctx, input: { ref: params.ref, patch: body } })));

export const startUploadHandler = handle(e.startUpload, async ({ ctx, req, params, body }) =>
  json(await startUpload({ ctx, input: { ref: params.ref, runId: await optionalRunOfRequest(ctx, req), body } }), 201),
);
export const putUploadFileHandler = handle(e.putUploadFile, async ({ ctx, req, params }) =>
  json(await putUploadFile({ ctx, input: { ref: params.ref, uploadId: params.upload_id, path: params.path, bytes: bodyBytes(req.body, declaredLength(req.headers)) } })),
);
export const commitUploadHandler = handle(e.commitUpload, async ({ ctx, req, params }) =>
  json(await commitUpload({ ctx, input: { ref: params.ref, uploadId: params.upload_id, runId: await optionalRunOfRequest(ctx, req) } }), 201),
);
export const abortUploadHandler = handle(e.abortUpload, async ({ ctx, params }) => {
  await abortUpload({ ctx, input: { ref: params.ref, uploadId: params.upload_id } });
  return noContent();
});

export const getDatasetVersionHandler = handle(e.getDatasetVersion, async ({ ctx, params }) => json(await getVersion({ ctx, input: params })));
export const datasetTableHandler = handle(e.datasetTable, async ({ ctx, params, query }) => json(await versionTable({ ctx, input: { ...params, rows: query.rows } })));
export const downloadDatasetFileHandler = handle(e.downloadDatasetFile, async ({ ctx, params }) => {
  const file = await openVersionFile({ ctx, input: params });
  const name = file.path.split("/").pop()!;
  return new Response(Readable.toWeb(file.body) as ReadableStream, {
    headers: {
      "content-type": /\.csv$/i.test(name) ? "text/csv; charset=utf-8" : "application/octet-stream",
      "content-length": String(file.size),
      etag: `"${file.sha256}"`,
      "content-disposition": `attachment; filename="${name.replace(/[^\w. -]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    },
  });
});
export const diffDatasetHandler = handle(e.diffDataset, async ({ ctx, params, query }) => json(await diffVersions({ ctx, input: { ref: params.ref, ...query } })));
export const datasetLineageHandler = handle(e.datasetLineage, async ({ ctx, params }) => json(await datasetLineage({ ctx, input: params })));

/** The kiln module's `kiln.dataset()`: only from a running cell, whose run records the pin. */
export const kernelDatasetHandler = handle(e.kernelDataset, async ({ ctx, req, params, query }) => {
  const msgId = executionHeader(req);
  if (!msgId) throw new ValidationError("X-Kiln-Execution: required (the msg_id of the running cell)", "X-Kiln-Execution");
  const runId = await runOfExecution(ctx, msgId, kernelHeader(req));
  return json(await resolveForRun({ ctx, input: { ref: params.ref, version: query.version, runId } }));
});
