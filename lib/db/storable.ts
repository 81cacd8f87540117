import { customType } from "drizzle-orm/pg-core";

/**
 * Text a user's code produced, stored losslessly. PostgreSQL refuses NUL in `text` and
 * `jsonb`, and lone UTF-16 surrogates in `jsonb` (in `text` they silently become U+FFFD):
 * one `print("a\x00b")` used to make a row unstorable and lose its batch. Such a string is
 * stored as MARK + its JSON text (where NUL and lone surrogates are plain ASCII escapes) and
 * read back exactly; a string that happens to start with MARK is escaped the same way, so
 * the mapping is reversible for every string. MARK is a noncharacter, never in real text.
 */
const MARK = "\uFDD0";

// String.prototype.isWellFormed (Node 20) is not in this TypeScript lib yet.
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const needsEscape = (s: string) => s.includes("\0") || !wellFormed(s) || s.charCodeAt(0) === 0xfdd0;

export function escapeString(s: string): string {
  return needsEscape(s) ? MARK + JSON.stringify(s) : s;
}

export function unescapeString(s: string): string {
  if (s.charCodeAt(0) !== 0xfdd0) return s;
  try {
    return JSON.parse(s.slice(1)) as string;
  } catch {
    return s;
  }
}

/** A JSON value with `f` applied to every string in it, keys included. */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[f(k)] = mapStrings(x, f);
    return out;
  }
  return v;
}

export const escapeDeep = (v: unknown) => mapStrings(v, escapeString);
export const unescapeDeep = (v: unknown) => mapStrings(v, unescapeString);

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A jsonb column holding what user code produced (outputs, notebooks): any string survives. */
export const storableJsonb = <T>(name: string) =>
  customType<{ data: T; driverData: string | unknown }>({
    dataType: () => "jsonb",
    toDriver: (value) => JSON.stringify(escapeDeep(value)),
    // postgres.js hands jsonb over as text here, PGlite as a parsed value.
    fromDriver: (value) => unescapeDeep(typeof value === "string" ? parseOr(value) : value) as T,
  })(name);

/** A text column holding what user code produced (cell code, error messages). */
export const storableText = (name: string) =>
  customType<{ data: string; driverData: string }>({
    dataType: () => "text",
    toDriver: (value) => escapeString(value),
    fromDriver: (value) => unescapeString(value),
  })(name);
