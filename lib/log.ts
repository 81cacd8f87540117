import pino, { type Logger } from "pino";

const KEY = Symbol.for("kiln.logger");
type G = typeof globalThis & { [KEY]?: Logger };

/**
 * Structured JSON logs. Credentials are redacted wherever they could appear; route
 * code logs ids, never bodies, and failed queries are logged without their values.
 */
export function logger(): Logger {
  const g = globalThis as G;
  return (g[KEY] ??= pino({
    level: process.env.LOG_LEVEL || "info",
    base: { service: "kiln" },
    serializers: { err: serializeErr },
    redact: {
      paths: [
        "password", "*.password", "token", "*.token", "secret", "*.secret",
        "headers.authorization", "headers.cookie", "*.headers.authorization", "*.headers.cookie",
        "req.headers.authorization", "req.headers.cookie",
      ],
      censor: "[redacted]",
    },
  }));
}

/**
 * Where the drivers keep a failed query's values (emails, password hashes, tokens): drizzle's
 * DrizzleQueryError `params`, postgres.js `parameters`/`args`, PGlite `params`/`queryOptions`,
 * PostgreSQL's `detail` ("Key (email)=(...) already exists").
 */
const VALUE_KEYS = new Set(["params", "parameters", "args", "values", "detail", "queryOptions"]);

/** drizzle writes the values into the message too: "Failed query: <sql>\nparams: <values>". */
const redactMessage = (m: string) => m.replace(/\nparams: [\s\S]*$/, "\nparams: [redacted]");

/** pino's err serializer, less the values of failed queries: the message and the SQL text stay. */
export function serializeErr(e: unknown, depth = 0): unknown {
  if (!(e instanceof Error)) return e;
  const message = redactMessage(e.message);
  const out: Record<string, unknown> = { type: e.constructor?.name ?? e.name, message };
  if (e.stack) out.stack = message === e.message ? e.stack : redactStack(e.stack, e.message, message);
  for (const key in e) {
    if (key === "cause" || key === "message" || key === "stack" || VALUE_KEYS.has(key)) continue;
    out[key] = (e as unknown as Record<string, unknown>)[key];
  }
  if (e.cause !== undefined) out.cause = depth < 5 ? serializeErr(e.cause, depth + 1) : "[cause omitted]";
  return out;
}

/** The stack repeats the message it had when thrown: swap it, or keep only the frames. */
function redactStack(stack: string, message: string, redacted: string): string {
  const i = stack.indexOf(message);
  if (i >= 0) return stack.slice(0, i) + redacted + stack.slice(i + message.length);
  const frames = stack.indexOf("\n    at ");
  return redacted + (frames >= 0 ? stack.slice(frames) : "");
}
