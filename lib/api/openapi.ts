import { z } from "zod";
import type { Endpoint } from "./endpoint";
import { endpoints } from "./endpoints";
import { METASCOPES, SCOPES } from "../auth/scope-table";

const scopesOf = (e: Endpoint) => e.scopes ?? [];
const SAMPLE = { name: "name", server_name: "server" };
/** What a filtered scope (`!user=`, `!server=`, `!group=`) is matched against on this operation. */
const filtersMatch = (e: Endpoint): string[] => (e.scopeOn ? Object.keys(e.scopeOn(SAMPLE)) : e.filtersInternally ? ["each listed item"] : []);

/** The scopes a token may carry, for the document's readers (docs/scopes.md says more). */
function scopeTable(): string {
  const rows = [...Object.entries(METASCOPES), ...Object.entries(SCOPES).map(([n, d]) => [n, d.description] as const)];
  return rows.map(([n, d]) => `- \`${n}\`: ${d}`).join("\n");
}

const schema = (t: z.ZodType, io: "input" | "output") => z.toJSONSchema(t, { io, unrepresentable: "any" });

function operation(e: Endpoint) {
  const parameters: object[] = [];
  const addParams = (t: z.ZodType | undefined, where: "path" | "query") => {
    if (!t) return;
    const js = schema(t, "input") as { properties?: Record<string, object>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {}))
      parameters.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
  };
  addParams(e.params, "path");
  addParams(e.query, "query");
  return {
    summary: e.summary,
    tags: [e.tag],
    // JupyterHub's rest-api.yml lists each endpoint's scopes; OpenAPI 3.1 lets non-OAuth schemes name them too.
    security: e.auth === "none" ? [] : [{ token: [...scopesOf(e)] }, { bearer: [...scopesOf(e)] }, { session: [] }],
    ...(e.auth === "none" ? {} : { "x-scopes": { any_of: scopesOf(e), filters_match: filtersMatch(e) } }),
    parameters,
    ...(e.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(e.body, "input") } } } } : {}),
    responses: Object.fromEntries(
      Object.entries(e.responses).map(([status, r]) => [
        status,
        { description: r.description, ...(r.schema ? { content: { "application/json": { schema: schema(r.schema, "output") } } } : {}) },
      ]),
    ),
  };
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with. */
export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of Object.values(endpoints) as Endpoint[]) {
    (paths[e.path.replace(/\{(\w+)\+\}/g, "{$1}")] ??= {})[e.method.toLowerCase()] = operation(e);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Kiln API", version, description: "Kiln's REST API. User and server routes follow JupyterHub's REST API." },
    components: {
      securitySchemes: {
        token: { type: "apiKey", in: "header", name: "Authorization", description: `\`Authorization: token <token>\` (JupyterHub style). A token may be limited to scopes; each operation lists those that reach it (any one will do).\n\n${scopeTable()}` },
        bearer: { type: "http", scheme: "bearer" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
    paths,
  };
}
