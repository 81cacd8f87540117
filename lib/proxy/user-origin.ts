import type { IncomingMessage } from "node:http";
import { getConfig } from "../config";

/**
 * KILN_USER_ORIGIN: user servers served to browsers from an origin that is not Kiln's, as
 * JupyterHub's subdomain_host. `https://{user}.u.example.org` gives each user their own
 * host; `http://127.0.0.1:3001` one origin for all user servers (Kiln listens there too).
 * Kiln's session cookie is host-only to Kiln's host, so a page a user's server serves never
 * carries it; browsers authenticate there with a cookie of that origin (user-origin-auth.ts).
 */
export interface UserOriginConfig {
  protocol: "http:" | "https:";
  /** The host (with its port when not the protocol's default), `{user}` standing for the user. */
  host: string;
  perUser: boolean;
  /** The port browsers reach it on. */
  port: number;
}

export function userOriginConfig(): UserOriginConfig | null {
  const raw = getConfig().userOrigin;
  if (!raw) return null;
  const u = new URL(raw.replace("{user}", "user-placeholder"));
  const protocol = u.protocol as "http:" | "https:";
  return {
    protocol,
    host: u.host.replace("user-placeholder", "{user}"),
    perUser: raw.includes("{user}"),
    port: Number(u.port || (protocol === "https:" ? 443 : 80)),
  };
}

/** The origin a user's servers are served from. */
export function userOriginFor(c: UserOriginConfig, user: string): string {
  return `${c.protocol}//${c.host.replace("{user}", user)}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whether a request came to the user origin: its user (per-user hosts) or "" (one shared
 * origin); undefined when it came to Kiln's own origin.
 */
export function userOriginOf(req: IncomingMessage, c = userOriginConfig()): string | undefined {
  if (!c) return undefined;
  const host = String(req.headers.host ?? "").toLowerCase();
  if (!c.perUser) return host === c.host.toLowerCase() ? "" : undefined;
  const [before, after] = c.host.toLowerCase().split("{user}");
  const m = new RegExp(`^${escape(before!)}([a-z0-9][a-z0-9._-]{0,62})${escape(after!)}$`).exec(host);
  return m ? m[1] : undefined;
}

/** A browser opening a page (not a script fetching data): the request to send to the user origin. */
export function isNavigation(req: IncomingMessage): boolean {
  const mode = req.headers["sec-fetch-mode"];
  if (mode) return mode === "navigate";
  return (req.method === "GET" || req.method === "HEAD") && String(req.headers.accept ?? "").includes("text/html");
}
