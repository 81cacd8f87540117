// The runs API (experiments: runs, params, metrics, artifacts) and the kernel-facing routes of the `kiln` module.
import { z } from "zod";
import { listRunsQuery } from "../runs/list-query";
import { logBatchAnswer, logBatchBody } from "../runs/schemas";
import { endpoint } from "./endpoint";
import { errorModel, idParam, INT4_MAX } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };
const runId = z.object({ id: idParam });
const step = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const runModel = z.record(z.string(), z.unknown()).describe("A run: see docs/runs-api.md");
const artifactPath = z.string().min(1).max(1024);

export const runEndpoints = {
  listRuns: endpoint({
    method: "GET", path: "/api/runs", tag: "runs", auth: "user", scopes: ["read:runs"], summary: "The runs table: filter by notebook, owner, status, param.<key>=v, metric.<key>=<op>n; sort by a column, param or metric",
    query: listRunsQuery,
    responses: { 200: { description: "A page of runs", schema: z.object({ runs: z.array(runModel), total: z.number(), param_keys: z.array(z.string()), metric_keys: z.array(z.string()) }) }, 400: err("Bad filter"), ...authErrors },
  }),
  compareRuns: endpoint({
    method: "GET", path: "/api/runs/compare", tag: "runs", auth: "user", scopes: ["read:runs"], summary: "2..N runs side by side: the params that differ, the metrics to overlay",
    query: z.object({
      ids: z
        .string()
        .regex(/^\d{1,10}(,\d{1,10}){1,19}$/, "must be 2 to 20 run ids, comma-separated")
        .transform((s) => s.split(",").map(Number))
        .refine((ids) => ids.every((id) => id >= 1 && id <= INT4_MAX), "must be 2 to 20 run ids, comma-separated"),
    }),
    responses: { 200: { description: "Comparison" }, 404: err("A run is missing"), ...authErrors },
  }),
  getRun: endpoint({
    method: "GET", path: "/api/runs/{id}", tag: "runs", auth: "user", scopes: ["read:runs"], summary: "A run: cells, params, metrics, artifacts, data pins, environment",
    params: runId, responses: { 200: { description: "Run", schema: runModel }, 404: err("No such run"), ...authErrors },
  }),
  patchRun: endpoint({
    method: "PATCH", path: "/api/runs/{id}", tag: "runs", auth: "user", scopes: ["runs"], summary: "Share a run with groups or make it public (owner or admin)",
    params: runId, body: z.object({ public: z.boolean().optional(), shared_groups: z.array(z.string().max(200)).max(100).optional() }),
    responses: { 200: { description: "Run", schema: runModel }, 400: err("Unknown group"), 404: err("No such run"), ...authErrors },
  }),
  runSeries: endpoint({
    method: "GET", path: "/api/runs/{id}/metrics/{key+}", tag: "runs", auth: "user", scopes: ["read:runs"], summary: "A metric series, downsampled to at most max_points (each bucket's min and max kept)",
    params: runId.extend({ key: z.string().min(1).max(250) }),
    query: z.object({
      max_points: z.coerce.number().int().min(2).max(100_000).default(2000), from: step.optional(), to: step.optional(),
      x: z.enum(["step", "time"]).default("step").describe("time: downsampled buckets also carry the time (ts) of their first point"),
    }),
    responses: { 200: { description: "Series" }, 404: err("No such run"), ...authErrors },
  }),
  runArtifact: endpoint({
    method: "GET", path: "/api/runs/{id}/artifacts/{path+}", tag: "runs", auth: "user", scopes: ["read:runs"], summary: "Download an artifact of a run",
    params: runId.extend({ path: artifactPath }), responses: { 200: { description: "The file" }, 404: err("No such run or artifact"), ...authErrors },
  }),
  runOutput: endpoint({
    method: "GET", path: "/api/runs/{id}/output", tag: "runs", auth: "user", scopes: ["read:runs"], summary: "The executed notebook of a whole-notebook run (.ipynb)",
    params: runId, responses: { 200: { description: "nbformat 4" }, 404: err("No such run or no output"), ...authErrors },
  }),
  logRunBatch: endpoint({
    method: "POST", path: "/api/runs/{id}/log-batch", tag: "runs", auth: "user", scopes: ["runs"], summary: "Log params, metrics and tags (MLflow's log-batch and limits) into one of your runs",
    params: runId, body: logBatchBody, maxBodyBytes: 1024 * 1024,
    responses: { 200: { description: "Logged", schema: logBatchAnswer }, 400: err("Over a limit or invalid"), 404: err("No such run"), 409: err("A param already has another value"), 413: err("Over 1 MB"), ...authErrors },
  }),
  runNotebook: endpoint({
    method: "POST", path: "/api/notebooks/{id}/runs", tag: "runs", auth: "user", scopes: ["runs"], summary: "Run as experiment: the whole saved notebook in a fresh kernel, parameters injected after the `parameters` cell",
    params: runId, body: z.object({ params: z.record(z.string().regex(/^[A-Za-z_]\w{0,99}$/, "must be a Python identifier"), z.unknown()).default({}) }).default({ params: {} }),
    responses: { 202: { description: "Started", schema: runModel }, 404: err("No such notebook"), 409: err("No server running"), ...authErrors },
  }),
  reproduceRun: endpoint({
    method: "POST", path: "/api/runs/{id}/reproduce", tag: "runs", auth: "user", scopes: ["runs"], summary: "Run the same code again on the same image digest with the same pinned data versions",
    params: runId, responses: { 202: { description: "Started", schema: runModel }, 404: err("No such run"), 409: err("Another image, or no server"), ...authErrors },
  }),
  kernelLogBatch: endpoint({
    method: "POST", path: "/api/kernel/log-batch", tag: "kernel", auth: "user", scopes: ["runs"], serverToken: true,
    summary: "From the kiln module: params, metrics, tags into the run of the running cell (X-Kiln-Execution)",
    body: logBatchBody, maxBodyBytes: 1024 * 1024,
    responses: { 200: { description: "Logged", schema: logBatchAnswer }, 400: err("Over a limit, invalid, or no X-Kiln-Execution"), 404: err("No such running cell"), 409: err("A param already has another value"), ...authErrors },
  }),
  kernelPutArtifact: endpoint({
    method: "PUT", path: "/api/kernel/artifacts/{path+}", tag: "kernel", auth: "user", scopes: ["runs"], serverToken: true, rawBody: true,
    summary: "From the kiln module: a file (or an ONNX model, kind=model) of the running cell's run, streamed",
    params: z.object({ path: artifactPath }),
    query: z.object({ kind: z.enum(["artifact", "model"]).default("artifact"), name: z.string().max(200).optional(), flavor: z.string().max(50).optional() }),
    responses: { 200: { description: "Stored" }, 400: err("Bad path"), 404: err("No such running cell"), ...authErrors },
  }),
};
