import { MethodNotAllowedError, NotFoundError } from "../errors";
import { errorResponse } from "../http/errors";
import { routes } from "./routes";

interface Compiled {
  pattern: RegExp;
  names: string[];
  byMethod: Map<string, (typeof routes)[number][1]>;
}

function compile(): Compiled[] {
  const byPath = new Map<string, Compiled>();
  for (const [endpoint, handler] of routes) {
    let c = byPath.get(endpoint.path);
    if (!c) {
      const names: string[] = [];
      // {name} is one segment; {name+} the rest of the path (a file's path inside a dataset)
      const source = endpoint.path
        .replace(/[.]/g, "\\.")
        .replace(/\{(\w+)(\+?)\}/g, (_, n: string, rest: string) => (names.push(n), rest ? "(.+)" : "([^/]+)"));
      // a trailing slash is optional either way (/hub/api and /hub/api/ are JupyterHub's version endpoint)
      c = { pattern: new RegExp(`^${source.replace(/\/$/, "")}/?$`), names, byMethod: new Map() };
      byPath.set(endpoint.path, c);
    }
    c.byMethod.set(endpoint.method, handler);
  }
  return [...byPath.values()];
}

const table = compile();

/** Paths Kiln's router owns; everything else (pages, next-auth) goes to Next. */
export function isApiPath(path: string): boolean {
  if (path.startsWith("/api/auth/")) return path === "/api/auth/signup";
  return path.startsWith("/hub/api/") || path === "/hub/api" || path.startsWith("/api/") || path === "/metrics";
}

/**
 * Serves a JSON API request. Kiln routes its API itself instead of through Next's route
 * handlers: on these 2-core machines Next's request pipeline cost several ms per request,
 * more than the work behind most endpoints (see bench/hub-user.ts).
 */
export async function routeApi(req: Request, path: string): Promise<Response> {
  for (const c of table) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    const handler = c.byMethod.get(req.method === "HEAD" ? "GET" : req.method);
    if (!handler) {
      const allow = [...c.byMethod.keys()].join(", ");
      const res = errorResponse(new MethodNotAllowedError(`${req.method} is not allowed here; use ${allow}`), "-");
      res.headers.set("allow", allow);
      return res;
    }
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(c.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    } catch {
      params = Object.fromEntries(c.names.map((n, i) => [n, m[i + 1]!]));
    }
    return handler(req, { params: Promise.resolve(params) });
  }
  return errorResponse(new NotFoundError(`No API endpoint ${req.method} ${path}`), req.headers.get("x-request-id") ?? "-");
}
