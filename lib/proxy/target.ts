import { eq } from "drizzle-orm";
import type { IncomingMessage } from "node:http";
import { authenticateNodeRequest } from "../auth/upgrade";
import { principalFromUserOriginCookie } from "../auth/user-origin-auth";
import { sameOrigin } from "../http/origin";
import { isAdmin, type Principal, refuseServerToken } from "../auth/principal";
import { requireScopes } from "../auth/scope-check";
import type { Db } from "../db";
import { servers, type ServerRow, type UserRow } from "../db/schema";
import { ForbiddenError, NotFoundError, UnauthorizedError, UnavailableError } from "../errors";
import { serverBaseUrl, upstreamBaseUrl } from "../servers/find";
import { findUserByName } from "../users/find";

export interface ProxyTarget {
  user: UserRow;
  server: ServerRow;
  /** The path to request upstream: Kiln's `token` query parameter removed, base URL mapped. */
  path: string;
  /** Maps a `Location` from upstream back to the public prefix. */
  publicLocation: (location: string) => string;
  /** Who asked: a WebSocket is registered under this credential (lib/auth/live-sockets). */
  actor: Principal;
}

/** `?token=` is how browsers and Jupyter clients authenticate WebSockets (no headers there). */
function splitToken(url: string): { path: string; token: string | null } {
  const u = new URL(url, "http://kiln.local");
  const token = u.searchParams.get("token");
  u.searchParams.delete("token");
  return { path: u.pathname + (u.searchParams.size ? `?${u.searchParams}` : ""), token };
}

const USER_SEGMENT = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A state-changing method, or a WebSocket (which SameSite cookies do not protect). */
const changesState = (req: IncomingMessage) => !!req.headers.upgrade || !SAFE_METHODS.has(req.method ?? "GET");

/**
 * Kiln swaps in Jupyter's token, so Jupyter's own XSRF check never sees a foreign page:
 * a cookie-authenticated change must come from Kiln's origin (Sec-Fetch-Site, else Origin).
 * A sandboxed user page has an opaque origin ("null") and is refused too.
 */
function fromKilnsOwnPages(headers: Headers): boolean {
  const site = headers.get("sec-fetch-site");
  if (site) return site === "same-origin" && (!headers.get("origin") || sameOrigin(headers, true));
  return sameOrigin(headers, true);
}

async function authenticateOnUserOrigin(db: Db, req: IncomingMessage, token: string | null) {
  const { cookie, ...rest } = req.headers;
  const bare = { headers: rest } as IncomingMessage; // (only its headers are read)
  const r = await authenticateNodeRequest(db, bare, token);
  return r.actor ? r : { ...r, actor: await principalFromUserOriginCookie(db, cookie, String(req.headers.host ?? "")) };
}

/**
 * Resolves /user/{name}/[{server_name}/]... to a running server the caller may reach: the
 * owner or an admin. A second segment naming one of the user's named servers selects it;
 * anything else is a path inside the default server, as in JupyterHub.
 */
export async function resolveTarget(db: Db, req: IncomingMessage, userOrigin?: string): Promise<ProxyTarget> {
  const { path, token } = splitToken(req.url ?? "/");
  const [, , name, second] = path.split("?")[0]!.split("/");
  // On the user origin: a token, or that origin's own cookie; Kiln's session cookie never counts there.
  const { actor, headers } = userOrigin === undefined ? await authenticateNodeRequest(db, req, token) : await authenticateOnUserOrigin(db, req, token);
  if (!actor) throw new UnauthorizedError();
  if (userOrigin && userOrigin !== name) throw new NotFoundError("Each user's servers are on their own origin");
  refuseServerToken(actor);
  if (actor.kind === "user" && actor.via === "session" && changesState(req) && !fromKilnsOwnPages(headers))
    throw new ForbiddenError("Cross-origin request refused: a browser session may change a server only from Kiln's own pages");
  if (!(actor.kind === "user" && actor.user.name === name) && !isAdmin(actor)) throw new ForbiddenError(`You may not reach ${name}'s servers`);
  // User names are plain ASCII: a segment that is not one (or does not decode) names nobody.
  const user = name && USER_SEGMENT.test(name) ? await findUserByName(db, name) : undefined;
  if (!user) throw new NotFoundError(`No such user: ${name}`);
  const running = await db.select().from(servers).where(eq(servers.userId, user.id));
  const server = running.find((s) => s.name !== "" && s.name === second) ?? running.find((s) => s.name === "");
  if (!server) throw new NotFoundError(`${user.name} has no server running here`);
  // A token limited by scopes reaches only the servers its access:servers names (403 without it, 404 for others').
  await requireScopes(db, actor, ["access:servers"], { user: user.name, server: `${user.name}/${server.name}` });
  if (server.status !== "ready") throw new UnavailableError("The server is still starting");
  // A server started before its user was known (warm pool) has its own base URL: map onto it.
  const publicBase = serverBaseUrl(name!, server.name);
  const upstreamBase = upstreamBaseUrl(server, name!);
  if (upstreamBase === publicBase) return { user, server, path, actor, publicLocation: (l) => l };
  const rest = path.startsWith(publicBase) ? path.slice(publicBase.length) : path.slice(publicBase.length - 1).replace(/^\//, "");
  return {
    user, server, actor, path: upstreamBase + rest,
    publicLocation: (l) => (l.startsWith(upstreamBase) ? publicBase + l.slice(upstreamBase.length) : l),
  };
}
