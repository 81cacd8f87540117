// The datasets API (versioned data, uploads, checks, diff, sharing): declared here, served by datasets-routes.ts.
import { z } from "zod";
import * as d from "../datasets/schemas";
import { endpoint } from "./endpoint";
import { errorModel } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };
const notFound = err("No such dataset (or one you may not read)");

export const datasetEndpoints = {
  listDatasets: endpoint({
    method: "GET", path: "/api/datasets", tag: "datasets", auth: "user", scopes: ["read:datasets"], summary: "Datasets you may read: yours, shared with your groups, public (admins: all)",
    responses: { 200: { description: "Datasets", schema: z.object({ datasets: z.array(d.datasetSummary) }) }, ...authErrors },
  }),
  createDataset: endpoint({
    method: "POST", path: "/api/datasets", tag: "datasets", auth: "user", scopes: ["datasets"], summary: "Create an empty dataset",
    body: d.createBody,
    responses: { 201: { description: "Created", schema: d.datasetModel }, 400: err("Invalid field"), 409: err("You have a dataset of that name"), ...authErrors },
  }),
  getDataset: endpoint({
    method: "GET", path: "/api/datasets/{ref}", tag: "datasets", auth: "user", scopes: ["read:datasets"], serverToken: true, summary: "A dataset with its versions, newest first",
    params: d.refParams,
    responses: { 200: { description: "Dataset", schema: d.datasetModel }, 404: notFound, ...authErrors },
  }),
  patchDataset: endpoint({
    method: "PATCH", path: "/api/datasets/{ref}", tag: "datasets", auth: "user", scopes: ["datasets"], summary: "Change description, checks, public, shared groups (owner or admin)",
    params: d.refParams, body: d.patchBody,
    responses: { 200: { description: "Dataset", schema: d.datasetModel }, 400: err("Invalid field, or unknown group"), 404: notFound, ...authErrors },
  }),
  startUpload: endpoint({
    method: "POST", path: "/api/datasets/{ref}/uploads", tag: "datasets", auth: "user", scopes: ["datasets"], serverToken: true,
    summary: "Open an upload for a new version (creates your dataset of that name if missing)",
    params: d.refParams, body: d.startUploadBody,
    responses: { 201: { description: "Upload opened", schema: d.uploadModel }, 400: err("Invalid field"), 404: notFound, ...authErrors },
  }),
  putUploadFile: endpoint({
    method: "PUT", path: "/api/datasets/{ref}/uploads/{upload_id}/files/{path+}", tag: "datasets", auth: "user", scopes: ["datasets"], serverToken: true, rawBody: true,
    summary: "Add one file to an upload: the raw body, streamed into the blob store",
    params: d.fileParams,
    responses: { 200: { description: "Stored", schema: d.storedFileModel }, 400: err("Invalid path, too many files, or a body cut off"), 404: err("No such upload"), ...authErrors },
  }),
  commitUpload: endpoint({
    method: "POST", path: "/api/datasets/{ref}/uploads/{upload_id}/commit", tag: "datasets", auth: "user", scopes: ["datasets"], serverToken: true,
    summary: "Make the upload's files the next version; runs the data checks",
    params: d.uploadParams, body: z.object({}).default({}),
    responses: { 201: { description: "The new version", schema: d.committedModel }, 400: err("The upload holds no file"), 404: err("No such upload"), 409: err("Files changed during the commit"), ...authErrors },
  }),
  abortUpload: endpoint({
    method: "DELETE", path: "/api/datasets/{ref}/uploads/{upload_id}", tag: "datasets", auth: "user", scopes: ["datasets"], serverToken: true, summary: "Abandon an upload",
    params: d.uploadParams,
    responses: { 204: { description: "Abandoned" }, 404: err("No such upload"), ...authErrors },
  }),
  getDatasetVersion: endpoint({
    method: "GET", path: "/api/datasets/{ref}/versions/{version}", tag: "datasets", auth: "user", scopes: ["read:datasets"], summary: "One version: files, check results, lineage",
    params: d.versionParams,
    responses: { 200: { description: "Version", schema: d.versionModel }, 404: err("No such dataset or version"), ...authErrors },
  }),
  downloadDatasetFile: endpoint({
    method: "GET", path: "/api/datasets/{ref}/versions/{version}/files/{path+}", tag: "datasets", auth: "user", scopes: ["read:datasets"], serverToken: true, summary: "One file's bytes",
    params: d.versionFileParams,
    responses: { 200: { description: "The file" }, 404: err("No such dataset, version or file"), ...authErrors },
  }),
  datasetTable: endpoint({
    method: "GET", path: "/api/datasets/{ref}/versions/{version}/table/{path+}", tag: "datasets", auth: "user", scopes: ["read:datasets"],
    summary: "A .csv/.tsv file's first rows and its column profile (type, nulls, distinct, min/max/mean, histogram)",
    params: d.versionFileParams, query: d.tableQuery,
    responses: { 200: { description: "Preview and profile", schema: d.tableModel }, 400: err("Not a .csv or .tsv file"), 404: err("No such dataset, version or file"), ...authErrors },
  }),
  diffDataset: endpoint({
    method: "GET", path: "/api/datasets/{ref}/diff", tag: "datasets", auth: "user", scopes: ["read:datasets"], summary: "What changed between two versions",
    params: d.refParams, query: d.diffQuery,
    responses: { 200: { description: "Diff", schema: d.diffModel }, 404: err("No such dataset or version"), ...authErrors },
  }),
  datasetLineage: endpoint({
    method: "GET", path: "/api/datasets/{ref}/lineage", tag: "datasets", auth: "user", scopes: ["read:datasets"], summary: "Versions, the runs that produced them and the versions those runs read",
    params: d.refParams,
    responses: { 200: { description: "Graph", schema: d.lineageModel }, 404: notFound, ...authErrors },
  }),
  kernelDataset: endpoint({
    method: "GET", path: "/api/kernel/datasets/{ref}", tag: "kernel", auth: "user", scopes: ["read:datasets"], serverToken: true,
    summary: "Resolve a version for the running cell and pin it in its run (X-Kiln-Execution required)",
    params: d.refParams, query: d.kernelQuery,
    responses: { 200: { description: "The version's files", schema: d.resolvedModel }, 400: err("No X-Kiln-Execution header"), 404: err("No such dataset, version or running cell"), ...authErrors },
  }),
};
