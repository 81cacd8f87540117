import type { z } from "zod";
import type { ScopeTarget } from "../auth/scope-check";
import type { ScopeName } from "../auth/scope-table";

export type AuthRequirement = "none" | "optional" | "user" | "admin";

export interface Endpoint<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** OpenAPI-style template, also the `route` label of the HTTP metrics. */
  path: string;
  summary: string;
  tag: string;
  auth: AuthRequirement;
  /**
   * JupyterHub's @needs_scope: a token limited by scopes passes with any one of these ([]: any
   * token, e.g. "who am I"). Required wherever `auth` is not "none"; the owner's own rights are
   * still checked by the verb, so scopes only narrow.
   */
  scopes?: readonly ScopeName[];
  /** The resource a filtered scope (`!user=`, `!server=`, `!group=`) must name, from the path parameters. */
  scopeOn?: (params: Record<string, string>) => ScopeTarget;
  /** A list endpoint that applies filtered scopes to its rows itself (JupyterHub's internal filtering). */
  filtersInternally?: boolean;
  body?: B;
  params?: P;
  query?: Q;
  /** A server's own token (the `kiln` module in its kernels) is accepted only where this is set. */
  serverToken?: boolean;
  /** The handler reads the body itself (a raw upload, streamed): no JSON parsing. */
  rawBody?: boolean;
  /** JSON bodies above this are a 413 (default 1 MiB). */
  maxBodyBytes?: number;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

/** The user named by `{name}`; with `{server_name}` (or for the default server), that server too. */
export const onUser = (p: Record<string, string>): ScopeTarget => ({ user: p.name });
export const onServer = (p: Record<string, string>): ScopeTarget => ({ user: p.name, server: `${p.name}/${p.server_name ?? ""}` });
export const onGroup = (p: Record<string, string>): ScopeTarget => ({ group: p.name });

/** Declares an endpoint once: the handler, the OpenAPI document and the metrics read it. */
export function endpoint<B extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  e: Endpoint<B, P, Q>,
): Endpoint<B, P, Q> {
  // Every authenticated route says which scopes reach it: one forgotten would be open to every token.
  if (e.auth !== "none" && !e.scopes) throw new Error(`${e.method} ${e.path} declares no scopes`);
  return e;
}
