import type http from "node:http";
import { isAdmin } from "../auth/principal";
import { authenticateNodeRequest } from "../auth/upgrade";
import { mintHandoverCode, redeemHandoverCode, userOriginCookie } from "../auth/user-origin-auth";
import { getConfig } from "../config";
import { getDb } from "../db";
import { proxyHttp } from "./forward";
import { type UserOriginConfig, userOriginConfig, userOriginFor, userOriginOf } from "./user-origin";

export const AUTHORIZE_PATH = "/user-origin/authorize";
export const COMPLETE_PATH = "/kiln-user-auth";

const USER_PATH = /^\/user\/([a-z0-9][a-z0-9._-]{0,62})\//;

function plain(res: http.ServerResponse, status: number, text: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }).end(text);
}

/** Where a browser is sent to sign in on the user origin for `url` (a path on that origin). */
export function authorizeUrl(c: UserOriginConfig, host: string, pathAndQuery: string): string {
  return `${getConfig().publicUrl}${AUTHORIZE_PATH}?next=${encodeURIComponent(`${c.protocol}//${host}${pathAndQuery}`)}`;
}

/**
 * On Kiln's origin: the signed-in browser asks to open `next` on the user origin. Kiln checks
 * it may reach that server (the owner or an admin) and sends it there with a one-time code;
 * a browser not signed in signs in first and comes back here.
 */
export async function authorizeUserOrigin(req: http.IncomingMessage, res: http.ServerResponse) {
  const c = userOriginConfig();
  const url = new URL(req.url ?? "/", "http://kiln.local");
  let next: URL;
  try {
    next = new URL(url.searchParams.get("next") ?? "");
  } catch {
    return plain(res, 400, "next: not a URL");
  }
  const hostUser = c && next.protocol === c.protocol ? userOriginOf({ headers: { host: next.host } } as http.IncomingMessage, c) : undefined;
  const name = USER_PATH.exec(next.pathname)?.[1];
  if (hostUser === undefined || !name || (c!.perUser && hostUser !== name)) return plain(res, 400, "next: not a user server's page on the user origin");
  const { actor } = await authenticateNodeRequest(await getDb(), req, null);
  if (actor?.kind !== "user" || actor.via !== "session" || !actor.sessionId) {
    res.writeHead(302, { location: `/signin?callbackUrl=${encodeURIComponent(req.url ?? "/")}` }).end();
    return;
  }
  if (actor.user.name !== name && !isAdmin(actor)) return plain(res, 403, `You may not reach ${name}'s servers`);
  const code = mintHandoverCode(next.host, actor.sessionId);
  const target = `${next.protocol}//${next.host}${COMPLETE_PATH}?code=${encodeURIComponent(code)}&next=${encodeURIComponent(next.pathname + next.search)}`;
  res.writeHead(302, { location: target, "referrer-policy": "no-referrer", "cache-control": "no-store" }).end();
}

/** On the user origin: the code becomes this origin's cookie, and the browser goes on to the page. */
export function completeUserOriginSignIn(req: http.IncomingMessage, res: http.ServerResponse) {
  const c = userOriginConfig()!;
  const host = String(req.headers.host ?? "");
  const url = new URL(req.url ?? "/", "http://kiln.local");
  const next = url.searchParams.get("next") ?? "";
  const session = redeemHandoverCode(url.searchParams.get("code") ?? "", host);
  if (!session || !USER_PATH.test(next)) return plain(res, 400, "This sign-in link is not valid (any more): open the page again");
  res.writeHead(302, {
    location: next, "set-cookie": userOriginCookie(host, session, c.protocol === "https:"), "referrer-policy": "no-referrer", "cache-control": "no-store",
  }).end();
}

/** Kiln's origin, a browser opening a user server's page: the same page on the user origin. */
export function userOriginRedirect(c: UserOriginConfig, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const name = USER_PATH.exec(req.url ?? "")?.[1];
  if (!name) return false;
  res.writeHead(302, { location: `${userOriginFor(c, name)}${req.url}` }).end();
  return true;
}

/** Everything the user origin serves: its sign-in step and user servers; nothing of Kiln's own. */
export async function serveUserOrigin(req: http.IncomingMessage, res: http.ServerResponse, userOrigin: string, path: string): Promise<void> {
  if (path === COMPLETE_PATH) return completeUserOriginSignIn(req, res);
  if (path.startsWith("/user/")) return proxyHttp(req, res, userOrigin);
  plain(res, 404, "Only user servers are served here");
}

/**
 * The port Kiln listens on for the user origin besides its own, when the user origin is this
 * machine on another port (http://127.0.0.1:3001, http://{user}.localhost:3001). Behind a
 * reverse proxy (https://{user}.u.example.org) the proxy sends both to PORT: none.
 */
export function userOriginPort(c: UserOriginConfig | null): number | null {
  if (!c || c.port === getConfig().port) return null;
  const hostname = c.host.replace(/:\d+$/, "").replace("{user}", "x");
  const local = hostname === "localhost" || hostname.endsWith(".localhost") || /^127\./.test(hostname) || hostname === getConfig().bind;
  return local ? c.port : null;
}
