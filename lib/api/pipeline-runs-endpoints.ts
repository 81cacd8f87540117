// Pipeline runs (lib/pipelines/runs): run now, watch, cancel; schedules and the webhook.
import { z } from "zod";
import { scheduleBody } from "../pipelines/runs/schedules";
import { endpoint } from "./endpoint";
import { errorModel, idParam } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const attempt = z.object({ attempt: z.number(), run_id: z.number().nullable(), status: z.string(), error: z.string().nullable(), started_at: z.string(), ended_at: z.string().nullable() });
const stepRun = z.object({
  step: z.string(), status: z.enum(["waiting", "queued", "running", "succeeded", "failed", "cancelled", "skipped", "cached"]), attempt: z.number(), attempts: z.array(attempt),
  run_id: z.number().nullable().describe("The tracked run of the latest attempt (a cached step: the original's)"), outputs: z.record(z.string(), z.unknown()), error: z.string().nullable(),
  cached_from: z.object({ step_run_id: z.number(), pipeline_run_id: z.number().nullable(), run_id: z.number().nullable() }).nullable(),
  ready_at: z.string().nullable(), started_at: z.string().nullable(), ended_at: z.string().nullable(), duration_ms: z.number().nullable(),
});
const runBase = z.object({
  id: z.number(), pipeline_id: z.number(), pipeline: z.string(), owner: z.string(), version: z.number(), status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
  trigger: z.record(z.string(), z.unknown()), params: z.record(z.string(), z.unknown()), error: z.string().nullable(), created_at: z.string().nullable(), ended_at: z.string().nullable(), duration_ms: z.number().nullable(),
});
const runDetail = runBase.extend({ steps: z.array(stepRun) });
const runSummary = runBase.extend({ steps: z.array(z.object({ step: z.string(), status: z.string() })) });
const schedule = z.object({
  id: z.number(), pipeline_id: z.number(), kind: z.enum(["cron", "dataset"]), cron: z.string().nullable(), timezone: z.string().nullable(), dataset: z.string().nullable(), dataset_id: z.number().nullable(),
  params: z.record(z.string(), z.unknown()), paused: z.boolean(), next_at: z.string().nullable(), last_at: z.string().nullable(), created_at: z.string(),
});
const listQuery = z.object({ status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });

export const pipelineRunEndpoints = {
  runPipeline: endpoint({
    method: "POST", path: "/api/pipelines/{id}/runs", tag: "pipelines", auth: "user", scopes: ["pipelines"], summary: "Run now: the latest version, with parameters overriding the steps' own",
    params: z.object({ id: idParam }), body: z.object({ params: z.record(z.string(), scalar).default({}) }).strict(),
    responses: { 201: { description: "The run, its first steps queued", schema: runDetail }, 400: err("An unknown parameter, or an input with no version"), 404: err("No such pipeline"), ...authErrors },
  }),
  listPipelineRuns: endpoint({
    method: "GET", path: "/api/pipelines/{id}/runs", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "A pipeline's runs, newest first",
    params: z.object({ id: idParam }), query: listQuery, responses: { 200: { description: "Runs", schema: z.object({ runs: z.array(runSummary) }) }, 404: err("No such pipeline"), ...authErrors },
  }),
  listAllPipelineRuns: endpoint({
    method: "GET", path: "/api/pipeline-runs", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "Every pipeline run you may see (admins: everyone's), newest first",
    query: listQuery, responses: { 200: { description: "Runs", schema: z.object({ runs: z.array(runSummary) }) }, ...authErrors },
  }),
  getPipelineRun: endpoint({
    method: "GET", path: "/api/pipeline-runs/{id}", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "A pipeline run with its steps, their attempts and outputs",
    params: z.object({ id: idParam }), responses: { 200: { description: "The run", schema: runDetail }, 404: err("No such run"), ...authErrors },
  }),
  cancelPipelineRun: endpoint({
    method: "POST", path: "/api/pipeline-runs/{id}/cancel", tag: "pipelines", auth: "user", scopes: ["pipelines"], summary: "Cancel a run: running steps are stopped, the rest never start",
    params: z.object({ id: idParam }), responses: { 200: { description: "The cancelled run", schema: runDetail }, 404: err("No such run"), 409: err("The run has ended"), ...authErrors },
  }),
  stepLog: endpoint({
    method: "GET", path: "/api/pipeline-runs/{id}/steps/{step}/log", tag: "pipelines", auth: "user", scopes: ["read:pipelines"],
    summary: "A step's terminal output after chunk `after`: poll with the answer's `next` until `done`",
    params: z.object({ id: idParam, step: z.string().min(1).max(63) }), query: z.object({ after: z.coerce.number().int().min(0).default(0) }),
    responses: {
      200: { description: "Chunks of output, in order", schema: z.object({ step: z.string(), status: z.string(), attempt: z.number(), chunks: z.array(z.object({ id: z.number(), attempt: z.number(), data: z.string() })), next: z.number(), done: z.boolean() }) },
      404: err("No such run or step"), ...authErrors,
    },
  }),
  listSchedules: endpoint({
    method: "GET", path: "/api/pipelines/{id}/schedules", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "A pipeline's schedules: cron and data triggers",
    params: z.object({ id: idParam }), responses: { 200: { description: "Schedules", schema: z.object({ schedules: z.array(schedule) }) }, 404: err("No such pipeline"), ...authErrors },
  }),
  createSchedule: endpoint({
    method: "POST", path: "/api/pipelines/{id}/schedules", tag: "pipelines", auth: "user", scopes: ["pipelines"],
    summary: "Add a cron schedule ({cron, timezone}) or a data trigger ({dataset}); either may carry params",
    params: z.object({ id: idParam }), body: scheduleBody,
    responses: { 201: { description: "The schedule", schema: schedule }, 400: err("A bad cron expression, time zone or dataset"), 404: err("No such pipeline"), ...authErrors },
  }),
  updateSchedule: endpoint({
    method: "PATCH", path: "/api/pipelines/{id}/schedules/{schedule_id}", tag: "pipelines", auth: "user", scopes: ["pipelines"], summary: "Pause or resume a schedule",
    params: z.object({ id: idParam, schedule_id: idParam }), body: z.object({ paused: z.boolean() }).strict(),
    responses: { 200: { description: "The schedule", schema: schedule }, 404: err("No such schedule"), ...authErrors },
  }),
  deleteSchedule: endpoint({
    method: "DELETE", path: "/api/pipelines/{id}/schedules/{schedule_id}", tag: "pipelines", auth: "user", scopes: ["pipelines"], summary: "Delete a schedule",
    params: z.object({ id: idParam, schedule_id: idParam }), responses: { 204: { description: "Deleted" }, 404: err("No such schedule"), ...authErrors },
  }),
  listStepInput: endpoint({
    method: "GET", path: "/api/kernel/inputs/{name}", tag: "kernel", auth: "user", scopes: ["read:runs"], serverToken: true,
    summary: "Inside a pipeline step (its token): the files of an input that is an upstream step's artifact or model",
    params: z.object({ name: z.string().min(1).max(63) }),
    responses: {
      200: { description: "The files, relative to the output's folder", schema: z.object({ kind: z.enum(["artifact", "model"]), run_id: z.number(), file: z.string().nullable().describe("A model's .onnx file"), files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string() })) }) },
      403: err("Not a step's token"), 404: err("No such input"), 401: err("No valid credentials"),
    },
  }),
  stepInputFile: endpoint({
    method: "GET", path: "/api/kernel/inputs/{name}/files/{path+}", tag: "kernel", auth: "user", scopes: ["read:runs"], serverToken: true,
    summary: "Inside a pipeline step: one file of an artifact or model input",
    params: z.object({ name: z.string().min(1).max(63), path: z.string().min(1).max(1000) }),
    responses: { 200: { description: "The file's bytes" }, 403: err("Not a step's token"), 404: err("No such input or file"), 401: err("No valid credentials") },
  }),
  setWebhook: endpoint({
    method: "PUT", path: "/api/pipelines/{id}/webhook", tag: "pipelines", auth: "user", scopes: ["pipelines"],
    summary: "Where every run's end is POSTed (null: nowhere). The answer holds the signing secret, once",
    params: z.object({ id: idParam }), body: z.object({ url: z.string().url().max(2000).nullable() }).strict(),
    responses: { 200: { description: "The webhook", schema: z.object({ url: z.string().nullable(), secret: z.string().nullable().describe("HMAC-SHA256 key of X-Kiln-Signature; shown only now") }) }, 400: err("Not an http(s) URL"), 404: err("No such pipeline"), ...authErrors },
  }),
};
