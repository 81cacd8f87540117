import { NotFoundError } from "../errors";
import { errorResponse } from "./errors";

/** API clients get JSON for unknown paths, never Next's HTML 404 page. */
export function apiNotFound(req: Request): Response {
  const path = new URL(req.url).pathname;
  return errorResponse(new NotFoundError(`No API endpoint ${req.method} ${path}`), req.headers.get("x-request-id") ?? "-");
}

export const allMethods = { GET: apiNotFound, POST: apiNotFound, PUT: apiNotFound, PATCH: apiNotFound, DELETE: apiNotFound };
