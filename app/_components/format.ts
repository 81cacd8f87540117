const fmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A timestamp in a fixed zone and locale, so server and browser render the same text. */
export function formatDate(iso: string | Date | null | undefined, empty = "—"): string {
  if (!iso) return empty;
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? empty : `${fmt.format(d)} UTC`;
}

/** Only same-origin relative paths: "/x" yes; "//evil", "/\\evil", "https://evil" no. */
export function safeCallback(raw: string | string[] | undefined, fallback = "/"): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\") || /[\u0000-\u001f]/.test(v)) return fallback;
  try {
    if (new URL(v, "http://kiln.invalid").origin !== "http://kiln.invalid") return fallback;
  } catch {
    return fallback;
  }
  if (v.startsWith("/api/") || v.startsWith("/signin") || v.startsWith("/signup")) return fallback;
  return v;
}
