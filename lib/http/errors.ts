import { z } from "zod";
import { isDatabaseUnavailable, KilnError, RateLimitError, UnavailableError, ValidationError } from "../errors";
import { logger } from "../log";

/** A zod failure as a ValidationError naming the first field at fault. */
export function fromZod(e: z.ZodError, prefix?: string): ValidationError {
  const issue = e.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || undefined;
  return new ValidationError(field ? `${field}: ${issue.message}` : issue.message, field);
}

/** The ONE place errors become HTTP responses. Unknown errors never leak their message. */
export function errorResponse(e: unknown, requestId: string): Response {
  if (e instanceof z.ZodError) e = fromZod(e);
  if (isDatabaseUnavailable(e)) {
    logger().error({ err: e, requestId }, "database unavailable");
    e = new UnavailableError("The database is unavailable; try again shortly");
  }
  if (e instanceof KilnError) {
    const headers: Record<string, string> = {};
    if (e instanceof RateLimitError) headers["retry-after"] = String(e.retryAfterSeconds);
    return Response.json(
      { error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } },
      { status: e.status, headers },
    );
  }
  logger().error({ err: e, requestId }, "unhandled error");
  return Response.json(
    { error: { code: "internal", message: `Internal server error (request ${requestId})` } },
    { status: 500 },
  );
}
