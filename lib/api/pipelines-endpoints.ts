// Pipelines (lib/pipelines): versioned DAGs of steps promoted from notebooks.
import { z } from "zod";
import { endpoint } from "./endpoint";
import { errorModel, idParam } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };

const definitionIn = z
  .union([z.record(z.string(), z.unknown()), z.string().max(2_000_000)])
  .describe("The definition: a JSON object, or the same document as YAML text ({description, steps: [{name, code, image, resources, parameters, inputs, outputs, timeout_s, retries, cache}]})");
const summary = z.object({ id: z.number(), name: z.string(), owner: z.string(), description: z.string(), version: z.number(), created_at: z.string(), updated_at: z.string() });
const detail = summary.extend({
  definition: z.record(z.string(), z.unknown()).describe("This version's definition, as validated (defaults filled in)"),
  order: z.array(z.string()).describe("The steps, each after those it reads from"),
  versions: z.array(z.object({ version: z.number(), created_at: z.string() })),
  webhook_url: z.string().nullable().describe("Where each run's end is POSTed (its secret is never shown again)"),
});
const pipelineId = z.object({ id: idParam });
const badDefinition = err("A bad definition: the field names the place (a cycle, an unknown input, a bad parameter...)");

const stepFields = z
  .object({
    inputs: z.record(z.string(), z.unknown()).optional(), outputs: z.record(z.string(), z.unknown()).optional(), parameters: z.record(z.string(), z.unknown()).optional(),
    image: z.string().optional(), resources: z.record(z.string(), z.unknown()).optional(), timeout_s: z.number().optional(), retries: z.number().optional(), cache: z.boolean().optional(),
  })
  .describe("The rest of the step, as in a definition; what is left out is kept from the step's previous version");
const noteStep = z.object({ pipeline_id: z.number(), pipeline: z.string(), version: z.number(), step: z.string(), cell_ids: z.array(z.string()), up_to_date: z.boolean().describe("The step runs what the cells hold now") });

export const pipelineEndpoints = {
  promoteCells: endpoint({
    method: "POST", path: "/api/pipelines/promote", tag: "pipelines", auth: "user", scopes: ["pipelines"],
    summary: "Promote notebook cells to a step: of a new pipeline, or the next version of one of yours (replacing the step of that name)",
    body: z.object({ pipeline: z.string().min(1).max(100), step: z.string().min(1).max(63), notebook_id: z.number().int().positive(), cell_ids: z.array(z.string().min(1).max(100)).min(1).max(1000) }).extend(stepFields.shape).strict(),
    responses: { 201: { description: "The pipeline at its new version", schema: detail.extend({ promoted: z.string() }) }, 400: badDefinition, 404: err("No such notebook"), ...authErrors },
  }),
  notebookSteps: endpoint({
    method: "GET", path: "/api/notebooks/{id}/steps", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "Which of a notebook's cells became pipeline steps, and whether each step is up to date",
    params: pipelineId, responses: { 200: { description: "Steps", schema: z.object({ steps: z.array(noteStep) }) }, 404: err("No such notebook"), ...authErrors },
  }),
  listPipelines: endpoint({
    method: "GET", path: "/api/pipelines", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "Your pipelines (admins: everyone's)",
    responses: { 200: { description: "Pipelines", schema: z.object({ pipelines: z.array(summary) }) }, ...authErrors },
  }),
  createPipeline: endpoint({
    method: "POST", path: "/api/pipelines", tag: "pipelines", auth: "user", scopes: ["pipelines"], summary: "Create a pipeline: its definition becomes version 1",
    body: z.object({ name: z.string().min(1).max(100), description: z.string().max(10_000).optional(), definition: definitionIn }).strict(),
    responses: { 201: { description: "Created", schema: detail }, 400: badDefinition, 409: err("You already have a pipeline of that name"), ...authErrors },
  }),
  getPipeline: endpoint({
    method: "GET", path: "/api/pipelines/{id}", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "A pipeline at its latest version",
    params: pipelineId, responses: { 200: { description: "The pipeline", schema: detail }, 404: err("No such pipeline"), ...authErrors },
  }),
  updatePipeline: endpoint({
    method: "PUT", path: "/api/pipelines/{id}", tag: "pipelines", auth: "user", scopes: ["pipelines"], summary: "Edit a pipeline: its definition becomes the next version",
    params: pipelineId, body: z.object({ description: z.string().max(10_000).optional(), definition: definitionIn }).strict(),
    responses: { 200: { description: "The new version", schema: detail }, 400: badDefinition, 404: err("No such pipeline"), ...authErrors },
  }),
  getPipelineVersion: endpoint({
    method: "GET", path: "/api/pipelines/{id}/versions/{version}", tag: "pipelines", auth: "user", scopes: ["read:pipelines"], summary: "A pipeline at one of its versions",
    params: z.object({ id: idParam, version: idParam }), responses: { 200: { description: "That version", schema: detail }, 404: err("No such pipeline or version"), ...authErrors },
  }),
  deletePipeline: endpoint({
    method: "DELETE", path: "/api/pipelines/{id}", tag: "pipelines", auth: "user", scopes: ["pipelines"], summary: "Delete a pipeline and its versions",
    params: pipelineId, responses: { 204: { description: "Deleted" }, 404: err("No such pipeline"), ...authErrors },
  }),
};
