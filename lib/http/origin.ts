import { getConfig } from "../config";

/**
 * Whether a browser request comes from Kiln's own pages: its Origin names this host (or the
 * public URL's, behind a reverse proxy). `required`: a missing Origin fails too (WebSockets,
 * which SameSite does not protect); plain POSTs without one are covered by SameSite=Lax.
 */
export function sameOrigin(headers: Headers, required = false): boolean {
  const origin = headers.get("origin");
  if (!origin) return !required;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  return host === headers.get("host") || host === new URL(getConfig().publicUrl).host;
}
