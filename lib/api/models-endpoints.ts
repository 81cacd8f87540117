// The model registry (lib/models): models, versions registered from runs, aliases.
import { z } from "zod";
import { endpoint } from "./endpoint";
import { errorModel, idParam } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };

const tensorSpec = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string(), z.null()])) });
const signature = z.object({
  inputs: z.array(tensorSpec), outputs: z.array(tensorSpec),
  columns: z.array(z.object({ name: z.string(), type: z.enum(["number", "string"]) })).nullable().describe("Raw columns, when kiln.prep is inside the graph"),
  task: z.enum(["classification", "regression"]).nullable(), classes: z.array(z.unknown()).nullable(),
});
const versionModel = z.object({
  version: z.number(), run_id: z.number().nullable(), artifact_path: z.string(), size: z.number(), sha256: z.string(), signature,
  metrics: z.record(z.string(), z.number()).describe("The run's metrics (last values) when registered"),
  lineage: z.record(z.string(), z.unknown()).nullable().describe("Run, notebook revision, image digest, dataset versions, params"),
  description: z.string(), aliases: z.array(z.string()), created_at: z.string(),
});
const modelSummary = z.object({
  id: z.number(), name: z.string(), owner: z.string(), description: z.string(), public: z.boolean(), created_at: z.string(),
  versions: z.number(), latest_version: z.number().nullable(), aliases: z.record(z.string(), z.number().nullable()),
});
const modelDetail = modelSummary.extend({ version_list: z.array(versionModel) });
const modelId = z.object({ id: idParam });
const versionRef = z.string().min(1).max(50).describe("A version number, or an alias");
const registerBody = z
  .object({
    run_id: z.number().int().positive(),
    artifact: z.string().min(1).max(1024).optional().describe("The model's path in the run, or the name it was logged under; optional when the run logged one"),
    name: z.string().min(1).max(100).describe("The model to add a version to (made on first use, in your namespace)"),
    description: z.string().max(10_000).optional(),
  })
  .strict();

export const modelEndpoints = {
  listModels: endpoint({
    method: "GET", path: "/api/models", tag: "models", auth: "user", scopes: ["read:models"], summary: "Models you may see (yours, public ones; admins: all)",
    query: z.object({ name: z.string().max(100).optional(), owner: z.string().max(100).optional() }),
    responses: { 200: { description: "Models", schema: z.object({ models: z.array(modelSummary) }) }, ...authErrors },
  }),
  registerModelVersion: endpoint({
    method: "POST", path: "/api/models/versions", tag: "models", auth: "user", scopes: ["models"], summary: "Register a run's ONNX model as the next version of a model",
    body: registerBody,
    responses: {
      201: { description: "Registered", schema: modelDetail.extend({ registered: versionModel }) },
      400: err("Bad name, no such model artifact, or a file onnxruntime cannot load"), 404: err("No such run"), ...authErrors,
    },
  }),
  getModel: endpoint({
    method: "GET", path: "/api/models/{id}", tag: "models", auth: "user", scopes: ["read:models"], summary: "A model with every version (metrics, signature, lineage)",
    params: modelId, responses: { 200: { description: "The model", schema: modelDetail }, 404: err("No such model"), ...authErrors },
  }),
  patchModel: endpoint({
    method: "PATCH", path: "/api/models/{id}", tag: "models", auth: "user", scopes: ["models"], summary: "Describe a model, or make it public",
    params: modelId, body: z.object({ public: z.boolean().optional(), description: z.string().max(10_000).optional() }).strict(),
    responses: { 200: { description: "Changed", schema: modelDetail }, 404: err("No such model"), ...authErrors },
  }),
  deleteModel: endpoint({
    method: "DELETE", path: "/api/models/{id}", tag: "models", auth: "user", scopes: ["models"], summary: "Delete a model and its versions (the runs keep their artifacts)",
    params: modelId, responses: { 204: { description: "Deleted" }, 404: err("No such model"), ...authErrors },
  }),
  getModelVersion: endpoint({
    method: "GET", path: "/api/models/{id}/versions/{version}", tag: "models", auth: "user", scopes: ["read:models"], summary: "One version, by number or alias",
    params: modelId.extend({ version: versionRef }),
    responses: { 200: { description: "The version", schema: versionModel }, 404: err("No such model, version or alias"), ...authErrors },
  }),
  modelVersionFile: endpoint({
    method: "GET", path: "/api/models/{id}/versions/{version}/file", tag: "models", auth: "user", scopes: ["read:models"], summary: "The version's ONNX file",
    params: modelId.extend({ version: versionRef }),
    responses: { 200: { description: "application/octet-stream" }, 404: err("No such model, version or alias"), ...authErrors },
  }),
  setModelAlias: endpoint({
    method: "PUT", path: "/api/models/{id}/aliases/{alias}", tag: "models", auth: "user", scopes: ["models"], summary: "Point an alias (production, staging, any) at a version: made, or moved",
    params: modelId.extend({ alias: z.string().min(1).max(50) }), body: z.object({ version: z.number().int().positive() }).strict(),
    responses: { 200: { description: "The model, with its aliases", schema: modelDetail }, 400: err("Bad alias or no such version"), 404: err("No such model"), ...authErrors },
  }),
  deleteModelAlias: endpoint({
    method: "DELETE", path: "/api/models/{id}/aliases/{alias}", tag: "models", auth: "user", scopes: ["models"], summary: "Remove an alias",
    params: modelId.extend({ alias: z.string().min(1).max(50) }),
    responses: { 204: { description: "Removed" }, 404: err("No such model or alias"), ...authErrors },
  }),
  kernelRegisterModel: endpoint({
    method: "POST", path: "/api/kernel/models", tag: "kernel", auth: "user", scopes: ["models"], serverToken: true,
    summary: "From the kiln module (kiln.register_model): register a model the running cell's run logged",
    body: registerBody.omit({ run_id: true }),
    responses: { 201: { description: "Registered", schema: modelDetail.extend({ registered: versionModel }) }, 400: err("No such model artifact in this run"), 404: err("No such running cell"), ...authErrors },
  }),
};
