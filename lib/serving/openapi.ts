import type { Ctx } from "../auth/principal";
import type { ModelSignature, TensorSpec } from "../db/schema";
import { liveEndpoint } from "./live";
import { requireEndpoint } from "./manage";

type Schema = Record<string, unknown>;

/** JSON Schema of one tensor as nested arrays: one `array` level per dimension, fixed sizes where the model fixes them. */
function tensorSchema(t: TensorSpec): Schema {
  let s: Schema = t.type === "string" ? { type: "string" } : t.type === "bool" ? { type: "boolean" } : t.type.startsWith("int") || t.type.startsWith("uint") ? { type: "integer" } : { type: ["number", "null"] };
  for (const d of [...t.shape].reverse()) s = { type: "array", items: s, ...(typeof d === "number" ? { minItems: d, maxItems: d } : {}) };
  return s;
}

function requestSchema(sig: ModelSignature): Schema {
  const named: Schema = {
    type: "object", required: ["inputs"], additionalProperties: false,
    properties: { inputs: { type: "object", additionalProperties: false, required: sig.inputs.map((i) => i.name), properties: Object.fromEntries(sig.inputs.map((i) => [i.name, tensorSchema(i)])) } },
  };
  const columns = sig.columns ?? (sig.inputs.every((i) => i.shape.length === 2) ? sig.inputs.map((i) => ({ name: i.name, type: i.type === "string" ? "string" : "number" })) : null);
  if (!columns) return named;
  const rows: Schema = {
    type: "object", required: ["rows"], additionalProperties: false,
    properties: {
      rows: {
        type: "array", minItems: 1,
        items: { type: "object", additionalProperties: false, properties: Object.fromEntries(columns.map((c) => [c.name, { type: [c.type === "string" ? "string" : "number", "null"], description: "null or absent: a missing value" }])) },
      },
    },
  };
  return { oneOf: [rows, named] };
}

/**
 * An OpenAPI 3.1 document for one endpoint, its request and answer derived from the serving
 * version's signature, so clients can be generated for it (GET /api/endpoints/{name}/openapi.json).
 */
export async function endpointOpenApi({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  const row = await requireEndpoint(ctx, input.name);
  const live = await liveEndpoint(row.name);
  const route = live?.routes.slice().sort((a, b) => b.weight - a.weight)[0];
  const sig = route?.signature ?? { inputs: [], outputs: [], columns: null, task: null, classes: null };
  const error = { type: "object", properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } } } } };
  return {
    openapi: "3.1.0",
    info: { title: `Kiln endpoint ${row.name}`, version: String(route?.version.version ?? 0), description: `Model ${live?.modelName ?? ""}, version ${route?.version.version ?? "none"} (the version serving most traffic now).` },
    paths: {
      [`/serve/${row.name}/predict`]: {
        post: {
          operationId: `predict_${row.name.replace(/\W/g, "_")}`,
          ...(row.public ? {} : { security: [{ endpointToken: [] }] }),
          requestBody: { required: true, content: { "application/json": { schema: requestSchema(sig) } } },
          responses: {
            200: {
              description: "The model's outputs, and the version that answered",
              content: {
                "application/json": {
                  schema: {
                    type: "object", required: ["endpoint", "model", "version", "outputs"],
                    properties: { endpoint: { type: "string" }, model: { type: "string" }, version: { type: "integer" }, outputs: { type: "object", properties: Object.fromEntries(sig.outputs.map((o) => [o.name, tensorSchema(o)])) } },
                  },
                },
              },
            },
            400: { description: "An input that does not fit the signature (named)", content: { "application/json": { schema: error } } },
            401: { description: "No token (private endpoint)" }, 403: { description: "Not this endpoint's token" }, 413: { description: "Body over 8 MB" }, 503: { description: "Stopped" },
          },
        },
      },
    },
    components: { securitySchemes: { endpointToken: { type: "http", scheme: "bearer", description: "The endpoint's own token (shown when it was made, or rotated)" } } },
  };
}
