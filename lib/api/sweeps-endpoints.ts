// Sweeps (lib/sweeps): hyperparameter search over a notebook's parameters, each trial a run.
import { z } from "zod";
import { createSweepBody } from "../sweeps/definition";
import { endpoint } from "./endpoint";
import { errorModel, idParam } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };
const trial = z.object({
  number: z.number(), params: z.record(z.string(), z.unknown()), status: z.enum(["queued", "running", "succeeded", "failed", "pruned", "cancelled"]), run_id: z.number().nullable(),
  pipeline_run_id: z.number().nullable().describe("A pipeline sweep's trial: its pipeline run"),
  objective: z.number().nullable(), steps: z.number(), rung: z.number().nullable(), attempt: z.number(), gpus: z.number(), error: z.string().nullable(),
  decided_at: z.string(), launched_at: z.string().nullable().describe("When its container was asked for"), started_at: z.string().nullable(), ended_at: z.string().nullable(), duration_ms: z.number().nullable(), gpu_seconds: z.number(),
});
const sweep = z.object({
  id: z.number(), owner: z.string(), notebook_id: z.number().nullable(), pipeline_id: z.number().nullable(), notebook: z.string().describe("The notebook's (or pipeline's) name"), notebook_revision: z.number(), space: z.record(z.string(), z.unknown()),
  objective: z.object({ metric: z.string(), goal: z.enum(["minimize", "maximize"]), at: z.enum(["last", "best"]) }), strategy: z.enum(["grid", "random", "tpe"]),
  options: z.record(z.string(), z.unknown()).nullable(), asha: z.object({ min_steps: z.number(), max_steps: z.number(), eta: z.number() }).nullable(),
  budget: z.record(z.string(), z.unknown()), seed: z.number(), resources: z.record(z.string(), z.unknown()), timeout_s: z.number(),
  status: z.enum(["running", "succeeded", "failed", "cancelled"]), error: z.string().nullable(), created_at: z.string(), ended_at: z.string().nullable(),
  best_trial: z.number().nullable().describe("The best succeeded trial's number"), trials: z.array(trial),
});

export const sweepEndpoints = {
  createSweep: endpoint({
    method: "POST", path: "/api/sweeps", tag: "sweeps", auth: "user", scopes: ["runs"], summary: "Start a sweep over one of your notebooks' parameters",
    body: createSweepBody, responses: { 201: { description: "The sweep, its first trials starting", schema: sweep }, 400: err("A bad space (the field names the parameter), objective, budget or strategy"), 404: err("No such notebook"), ...authErrors },
  }),
  listSweeps: endpoint({
    method: "GET", path: "/api/sweeps", tag: "sweeps", auth: "user", scopes: ["read:runs"], summary: "Your sweeps (admins: everyone's), newest first",
    responses: { 200: { description: "Sweeps", schema: z.object({ sweeps: z.array(z.record(z.string(), z.unknown())) }) }, ...authErrors },
  }),
  getSweep: endpoint({
    method: "GET", path: "/api/sweeps/{id}", tag: "sweeps", auth: "user", scopes: ["read:runs"], summary: "A sweep with its trials",
    params: z.object({ id: idParam }), responses: { 200: { description: "The sweep", schema: sweep }, 404: err("No such sweep"), ...authErrors },
  }),
  cancelSweep: endpoint({
    method: "POST", path: "/api/sweeps/{id}/cancel", tag: "sweeps", auth: "user", scopes: ["runs"], summary: "Cancel a sweep: every running trial is stopped",
    params: z.object({ id: idParam }), responses: { 200: { description: "The cancelled sweep", schema: sweep }, 404: err("No such sweep"), 409: err("It has ended"), ...authErrors },
  }),
  trialLog: endpoint({
    method: "GET", path: "/api/sweeps/{id}/trials/{number}/log", tag: "sweeps", auth: "user", scopes: ["read:runs"], summary: "A trial's terminal output after chunk `after`",
    params: z.object({ id: idParam, number: z.coerce.number().int().min(0) }), query: z.object({ after: z.coerce.number().int().min(0).default(0) }),
    responses: { 200: { description: "Chunks", schema: z.object({ number: z.number(), status: z.string(), chunks: z.array(z.object({ id: z.number(), attempt: z.number(), data: z.string() })), next: z.number(), done: z.boolean() }) }, 404: err("No such sweep or trial"), ...authErrors },
  }),
  shouldStop: endpoint({
    method: "GET", path: "/api/kernel/should-stop", tag: "kernel", auth: "user", scopes: ["read:runs"], serverToken: true,
    summary: "Inside a sweep's trial: whether Kiln pruned (or cancelled) it",
    responses: { 200: { description: "Whether to stop", schema: z.object({ stop: z.boolean() }) }, 401: err("No valid credentials") },
  }),
};
