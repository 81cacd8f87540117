// Served model endpoints (lib/serving): create, route traffic between versions, stop.
// Serving itself is /serve/{name}/predict and /v2/models/{name}/infer (lib/serving/http.ts).
import { z } from "zod";
import { endpoint } from "./endpoint";
import { errorModel } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };

const name = z.string().min(1).max(100);
const endpointSummary = z.object({
  name: z.string(), owner: z.string(), model: z.string(), model_id: z.number(), public: z.boolean(), state: z.enum(["running", "stopped"]),
  max_batch: z.number(), max_wait_ms: z.number(), created_at: z.string(), url: z.string(), v2_url: z.string(),
  gate: z.object({ metric: z.string(), direction: z.enum(["max", "min"]) }).nullable().describe("Automatic promotion: PUT /api/endpoints/{name}/gate"),
  sample_rate: z.number().describe("Share of requests kept as a dataset version per day (0: off)"),
  traffic: z.array(z.object({ version: z.number(), weight: z.number() })),
});
const endpointModel = endpointSummary.extend({
  history: z.array(z.object({ action: z.string(), detail: z.record(z.string(), z.unknown()), at: z.string(), by: z.string().nullable() })).describe("The deployment history, newest first (the last 100 events)"),
});
const batching = {
  max_batch: z.number().int().min(1, "must be at least 1").max(4096).describe("Dynamic batching: rows joined into one model run at most"),
  max_wait_ms: z.number().int().min(0).max(1000).describe("How long a model at rest waits for more requests to join (0: none)"),
};
const statsModel = z.object({
  name: z.string(), at: z.number().describe("When the counters were read (epoch ms)"),
  requests: z.array(z.object({ version: z.number(), status: z.string(), count: z.number() })).describe("Requests since the serving process started, by version and HTTP status"),
  latency: z.object({ buckets: z.array(z.object({ le: z.number(), count: z.number() })), count: z.number(), sum: z.number() }).describe("kiln_endpoint_latency_seconds: cumulative buckets (finite bounds), count and sum"),
});
const versionRef = z.union([z.string().min(1).max(50), z.number().int().positive()]).transform(String);

export const endpointEndpoints = {
  listEndpoints: endpoint({
    method: "GET", path: "/api/endpoints", tag: "serving", auth: "user", scopes: ["read:models"], summary: "Your endpoints (admins: every one), each with its traffic; GET one for its history",
    responses: { 200: { description: "Endpoints", schema: z.object({ endpoints: z.array(endpointSummary) }) }, ...authErrors },
  }),
  createEndpoint: endpoint({
    method: "POST", path: "/api/endpoints", tag: "serving", auth: "user", scopes: ["models"], summary: "Serve a model version at /serve/{name}/predict; the answer holds its token, shown once",
    body: z
      .object({
        name, model_id: z.number().int().positive(), version: versionRef.default("production").describe("A version number or an alias (read now)"),
        public: z.boolean().default(false).describe("Public: anyone may call it, no token"),
        max_batch: batching.max_batch.default(32), max_wait_ms: batching.max_wait_ms.default(0),
      })
      .strict(),
    responses: { 201: { description: "Serving", schema: endpointModel.extend({ token: z.string() }) }, 400: err("Bad name, no such version"), 404: err("No such model"), 409: err("The name is taken"), ...authErrors },
  }),
  getEndpoint: endpoint({
    method: "GET", path: "/api/endpoints/{name}", tag: "serving", auth: "user", scopes: ["read:models"], summary: "An endpoint: traffic, settings, deployment history",
    params: z.object({ name }), responses: { 200: { description: "The endpoint", schema: endpointModel }, 404: err("No such endpoint"), ...authErrors },
  }),
  getEndpointStats: endpoint({
    method: "GET", path: "/api/endpoints/{name}/stats", tag: "serving", auth: "user", scopes: ["read:models"],
    summary: "An endpoint's request counters and latency histogram in Kiln's serving process (what /metrics shows, without read:metrics); take differences for rates",
    params: z.object({ name }), responses: { 200: { description: "Counters", schema: statsModel }, 404: err("No such endpoint"), ...authErrors },
  }),
  patchEndpoint: endpoint({
    method: "PATCH", path: "/api/endpoints/{name}", tag: "serving", auth: "user", scopes: ["models"], summary: "Stop or start an endpoint, make it public or private, change its batching",
    params: z.object({ name }),
    body: z.object({ state: z.enum(["running", "stopped"]).optional(), public: z.boolean().optional(), max_batch: batching.max_batch.optional(), max_wait_ms: batching.max_wait_ms.optional() }).strict(),
    responses: { 200: { description: "Changed", schema: endpointModel }, 404: err("No such endpoint"), ...authErrors },
  }),
  setEndpointTraffic: endpoint({
    method: "PUT", path: "/api/endpoints/{name}/traffic", tag: "serving", auth: "user", scopes: ["models"],
    summary: "Which versions answer, by weight: one version swaps (or rolls back) at once, two split traffic as a canary",
    params: z.object({ name }),
    body: z.object({ traffic: z.array(z.object({ version: versionRef, weight: z.number().int().min(0).max(1000) }).strict()).min(1).max(10), reason: z.string().max(1000).optional() }).strict(),
    responses: { 200: { description: "Routed", schema: endpointModel }, 400: err("No such version, or no weight"), 404: err("No such endpoint"), ...authErrors },
  }),
  rotateEndpointToken: endpoint({
    method: "POST", path: "/api/endpoints/{name}/token", tag: "serving", auth: "user", scopes: ["models"], summary: "A new token for the endpoint; the old one stops working",
    params: z.object({ name }), responses: { 200: { description: "The new token, shown once", schema: z.object({ token: z.string() }) }, 404: err("No such endpoint"), ...authErrors },
  }),
  deleteEndpoint: endpoint({
    method: "DELETE", path: "/api/endpoints/{name}", tag: "serving", auth: "user", scopes: ["models"], summary: "Delete an endpoint",
    params: z.object({ name }), responses: { 204: { description: "Deleted" }, 404: err("No such endpoint"), ...authErrors },
  }),
};
