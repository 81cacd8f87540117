/** The mime types Kiln renders, richest first (JupyterLab's order, JSON ahead of HTML as its own viewer). */
export const MIME_ORDER = [
  "application/json",
  "text/html",
  "text/markdown",
  "text/latex",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "text/plain",
] as const;
export type Mime = (typeof MIME_ORDER)[number];

export function pickMime(data: Record<string, unknown>): Mime | null {
  return MIME_ORDER.find((m) => data[m] !== undefined && data[m] !== null) ?? null;
}

/** nbformat keeps text as a string or a list of lines. */
export function mimeText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.join("");
  return v == null ? "" : JSON.stringify(v, null, 2);
}
