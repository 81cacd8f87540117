import type { MultilineString } from "./types";

/** nbformat allows a string or a list of lines (each keeping its "\n"); the editor wants one string. */
export function joinSource(s: MultilineString | undefined | null): string {
  if (s == null) return "";
  return Array.isArray(s) ? s.join("") : s;
}

/** An nbformat cell id: 1-64 of [a-zA-Z0-9_-]. getRandomValues works outside secure contexts too (plain http). */
export function newCellId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
