import { ValidationError } from "../errors";

/**
 * What every request's input must satisfy before any handler sees it (ARCHITECTURE.md,
 * Decisions): JSON no deeper than MAX_JSON_DEPTH, and no string PostgreSQL's text and jsonb
 * refuse (NUL) or cannot hold exactly (a lone UTF-16 surrogate), in bodies, queries and paths.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays and objects deeper than the limit, counted outside strings
 * before JSON.parse: a body nested 50,000 deep parses, then overflows the stack of whatever
 * walks it next (the nbformat validator, JSON.stringify).
 */
export function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // skip the string: to the first quote not escaped by an odd run of backslashes
      for (let j = i + 1; ; j++) {
        j = text.indexOf('"', j);
        if (j < 0) return false; // unterminated: JSON.parse says so
        let backslashes = 0;
        while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) {
          i = j;
          break;
        }
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** String.prototype.isWellFormed (V8's own, several times faster than the pattern), where there is one. */
const wellFormed = (s: string): boolean => (s as { isWellFormed?: () => boolean }).isWellFormed?.() ?? !LONE_SURROGATE.test(s);

/** Why a string cannot be taken as given, or null when it can. */
export function badString(s: string): string | null {
  if (s.includes("\0")) return "must not contain NUL characters";
  if (!wellFormed(s)) return "must not contain lone UTF-16 surrogates";
  return null;
}

const refuse = (field: string, problem: string) => new ValidationError(`${field}: ${problem}`, field);

/** Refuses a parsed JSON body holding a bad string (as a value or a key), naming where it is. */
export function refuseBadJsonStrings(value: unknown, path: string[] = []): void {
  const field = () => path.join(".") || "body";
  if (typeof value === "string") {
    const problem = badString(value);
    if (problem) throw refuse(field(), problem);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      refuseBadJsonStrings(value[i], path);
      path.pop();
    }
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const problem = badString(k);
      if (problem) throw refuse(field(), `a key ${problem}`);
      path.push(k);
      refuseBadJsonStrings(v, path);
      path.pop();
    }
  }
}

/** Refuses a bad string among path parameters or query parameters (names and values). */
export function refuseBadUrlStrings(entries: Iterable<[string, string]>, prefix?: string): void {
  for (const [name, value] of entries) {
    const problem = badString(name) ?? badString(value);
    if (!problem) continue;
    const bad = badString(name) !== null;
    const field = bad ? prefix ?? "path" : [prefix, name].filter(Boolean).join(".");
    throw refuse(field, bad ? `a parameter name ${problem}` : problem);
  }
}
