const fmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A timestamp in a fixed zone and locale, so server and browser render the same text. */
export function formatDate(iso: string | Date | null | undefined, empty = "—"): string {
  if (!iso) return empty;
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? empty : `${fmt.format(d)} UTC`;
}

const day = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** The date alone, e.g. "25 Nov 2026" (UTC). */
export function formatDay(iso: string | null | undefined, empty = "—"): string {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? day.format(d) : empty;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the date. For browser-only rendering. */
export function formatAgo(iso: string | null | undefined, empty = "Never", now = Date.now()): string {
  const t = iso ? new Date(iso).getTime() : NaN;
  if (Number.isNaN(t)) return empty;
  const s = Math.max(0, (now - t) / 1000);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 30 * 86400) return `${Math.floor(s / 86400)} ${s < 2 * 86400 ? "day" : "days"} ago`;
  return formatDay(iso, empty);
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
