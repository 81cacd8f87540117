// Endpoints' promotion gate and their own OpenAPI documents (lib/serving/gate.ts, openapi.ts).
import { z } from "zod";
import { endpoint } from "./endpoint";
import { errorModel } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };
const name = z.object({ name: z.string().min(1).max(100) });

export const servingExtraEndpoints = {
  setEndpointGate: endpoint({
    method: "PUT", path: "/api/endpoints/{name}/gate", tag: "serving", auth: "user", scopes: ["models"],
    summary: "Automatic promotion: a newly registered version that beats the serving one on this metric takes all traffic (the history records why, either way)",
    params: name,
    body: z.object({ metric: z.string().min(1).max(250), direction: z.enum(["max", "min"]).describe("max: higher is better; min: lower is better") }).strict(),
    responses: { 200: { description: "The endpoint", schema: z.record(z.string(), z.unknown()) }, 400: err("Bad metric"), 404: err("No such endpoint"), ...authErrors },
  }),
  clearEndpointGate: endpoint({
    method: "DELETE", path: "/api/endpoints/{name}/gate", tag: "serving", auth: "user", scopes: ["models"], summary: "No automatic promotion",
    params: name, responses: { 204: { description: "Cleared" }, 404: err("No such endpoint"), ...authErrors },
  }),
  setEndpointSampling: endpoint({
    method: "PUT", path: "/api/endpoints/{name}/sampling", tag: "serving", auth: "user", scopes: ["models"],
    summary: "Keep a share of requests with their answers as a dataset version per day (<endpoint>-requests); 0 turns it off",
    params: name, body: z.object({ rate: z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1") }).strict(),
    responses: { 200: { description: "The endpoint", schema: z.record(z.string(), z.unknown()) }, 400: err("Bad rate"), 404: err("No such endpoint"), ...authErrors },
  }),
  commitEndpointSamples: endpoint({
    method: "POST", path: "/api/endpoints/{name}/samples", tag: "serving", auth: "user", scopes: ["models"],
    summary: "Make today's samples so far a dataset version now (finished days are committed on their own)",
    params: name,
    responses: { 200: { description: "Committed", schema: z.object({ dataset: z.string(), version: z.number().nullable(), samples: z.number() }) }, 404: err("No such endpoint"), ...authErrors },
  }),
  endpointOpenApi: endpoint({
    method: "GET", path: "/api/endpoints/{name}/openapi.json", tag: "serving", auth: "user", scopes: ["read:models"],
    summary: "An OpenAPI 3.1 document for this endpoint: its request and answer from the serving version's signature",
    params: name, responses: { 200: { description: "OpenAPI document", schema: z.record(z.string(), z.unknown()) }, 404: err("No such endpoint"), ...authErrors },
  }),
};
