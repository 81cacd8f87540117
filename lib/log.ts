import pino, { type Logger } from "pino";

const KEY = Symbol.for("kiln.logger");
type G = typeof globalThis & { [KEY]?: Logger };

/**
 * Structured JSON logs. Credentials are redacted wherever they could appear; route
 * code logs ids, never bodies.
 */
export function logger(): Logger {
  const g = globalThis as G;
  return (g[KEY] ??= pino({
    level: process.env.LOG_LEVEL || "info",
    base: { service: "kiln" },
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
