import type { z } from "zod";

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

/** Declares an endpoint once: the handler, the OpenAPI document and the metrics read it. */
export function endpoint<B extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  e: Endpoint<B, P, Q>,
): Endpoint<B, P, Q> {
  return e;
}
