/**
 * The one error hierarchy. Domain code throws these; lib/http/errors.ts maps them to HTTP
 * in one place. Anything else is a bug and answers a bare 500.
 */
export abstract class KilnError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or a field is invalid. */
export class ValidationError extends KilnError {
  readonly status = 400;
  constructor(message: string, field?: string, readonly code: string = "invalid_request") {
    super(message, field);
  }
}

/** 401: no credentials, or credentials that are not valid (revoked, expired). */
export class UnauthorizedError extends KilnError {
  readonly status = 401;
  readonly code = "unauthorized";
  constructor(message = "Authentication required") {
    super(message);
  }
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends KilnError {
  readonly status = 403;
  readonly code = "forbidden";
  constructor(message = "You do not have permission to do this") {
    super(message);
  }
}

/** 403: a quota (GPUs held at once, GPU-hours this month) would be exceeded; the message names it, the use and the limit. */
export class QuotaExceededError extends KilnError {
  readonly status = 403;
  readonly code = "quota_exceeded";
}

/** 404: it does not exist, or the caller may not know that it does. */
export class NotFoundError extends KilnError {
  readonly status = 404;
  readonly code = "not_found";
}

/** 405: the path exists, the method does not. */
export class MethodNotAllowedError extends KilnError {
  readonly status = 405;
  readonly code = "method_not_allowed";
}

/** 409: it conflicts with what is stored (a duplicate name, a second start). */
export class ConflictError extends KilnError {
  readonly status = 409;
  readonly code = "conflict";
}

/** 413: the body is larger than the endpoint accepts. */
export class PayloadTooLargeError extends KilnError {
  readonly status = 413;
  readonly code = "payload_too_large";
}

/** 422: well-formed, but it cannot be done in the current state (e.g. removing the last admin). */
export class UnprocessableError extends KilnError {
  readonly status = 422;
  readonly code = "unprocessable";
}

/** 429: too many requests; retry after the given number of seconds. */
export class RateLimitError extends KilnError {
  readonly status = 429;
  readonly code = "rate_limited";
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** 503: a dependency (the database) is unavailable. */
export class UnavailableError extends KilnError {
  readonly status = 503;
  readonly code = "unavailable";
}

/** A unique-constraint violation from either database driver (SQLSTATE 23505). */
export function isUniqueViolation(e: unknown): boolean {
  return uniqueViolation(e) !== undefined;
}

/** An error and its causes (drivers' errors arrive wrapped by drizzle). */
function* causes(e: unknown): Generator<{ code?: unknown; constraint?: unknown; constraint_name?: unknown }> {
  for (let cur: unknown = e, i = 0; cur && i < 4; cur = (cur as { cause?: unknown }).cause, i++) yield cur as never;
}

/** The violated constraint's name ("" when the driver does not say), or undefined. */
export function uniqueViolation(e: unknown): string | undefined {
  for (const c of causes(e)) if (c.code === "23505") return String(c.constraint_name ?? c.constraint ?? "");
  return undefined;
}

const UNAVAILABLE_CODES = new Set(["3D000", "57P01", "57P02", "57P03", "ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]);

/** A database that is down or gone (either driver), as opposed to a bad query. */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (const c of causes(e)) {
    const code = String(c.code ?? "");
    if (UNAVAILABLE_CODES.has(code) || code.startsWith("08")) return true;
  }
  return false;
}

/** 409: the action needs a running server (a notebook's kernel lives on the user's server). */
export class NoServerError extends KilnError {
  readonly status = 409;
  readonly code = "no_server";
}

/** 409: the kernel is running a cell (or did not answer in time): a completion or inspection must wait. */
export class KernelBusyError extends KilnError {
  readonly status = 409;
  readonly code = "kernel_busy";
}
