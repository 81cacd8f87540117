import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { registerSocket } from "../auth/live-sockets";
import { getDb } from "../db";
import { servers } from "../db/schema";
import { clientAddress } from "../http/client-address";
import { errorResponse } from "../http/errors";
import { sendWebResponse } from "../http/node-adapter";
import { logger } from "../log";
import { throttle } from "../throttle";
import { jupyterTokenOf } from "../servers/find";
import { spawner } from "../spawners/registry";
import { upstreamConnect, upstreamRequest } from "../spawners/upstream";
import { sandboxHeaders } from "./sandbox";
import { isNavigation, userOriginConfig } from "./user-origin";
import { authorizeUrl, userOriginRedirect } from "./user-origin-routes";
import { type ProxyTarget, resolveTarget } from "./target";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

/** Headers for the user's server: Kiln's credentials out, Jupyter's token in. */
function upstreamHeaders(req: http.IncomingMessage, t: ProxyTarget, upgrade: boolean): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === "authorization" || k.startsWith("x-kiln-")) continue;
    if (!upgrade && HOP_BY_HOP.has(k)) continue;
    out[k] = v;
  }
  // Code in the container must never see a Kiln session or token.
  const cookies = String(req.headers.cookie ?? "").split(";").map((c) => c.trim()).filter((c) => c && !c.includes("next-auth."));
  if (cookies.length) out.cookie = cookies.join("; ");
  else delete out.cookie;
  out.authorization = `token ${jupyterTokenOf(t.server)}`;
  out["x-forwarded-for"] = clientAddress(req);
  return out;
}

// last_activity feeds the idle culler: written at most every 30 s per server.
const due = throttle(30_000);
function touch(id: number) {
  if (!due(id)) return;
  void getDb().then((db) => db.update(servers).set({ lastActivity: sql`now()` }).where(eq(servers.id, id))).catch(() => {});
}

async function target(req: http.IncomingMessage, userOrigin?: string) {
  return resolveTarget(await getDb(), req, userOrigin);
}

/** HTTP through the proxy: streamed both ways, nothing buffered; what comes back is sandboxed (sandbox.ts). */
export async function proxyHttp(req: http.IncomingMessage, res: http.ServerResponse, userOrigin?: string): Promise<void> {
  const c = userOriginConfig();
  // With a user origin, a browser opening a user server's page on Kiln's origin goes there.
  if (c && userOrigin === undefined && isNavigation(req) && userOriginRedirect(c, req, res)) return;
  let t: ProxyTarget;
  try {
    t = await target(req, userOrigin);
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 401 && (isNavigation(req) || String(req.headers.accept ?? "").includes("text/html"))) {
      const location = c && userOrigin !== undefined ? authorizeUrl(c, String(req.headers.host), req.url ?? "/") : `/signin?callbackUrl=${encodeURIComponent(req.url ?? "/")}`;
      res.writeHead(302, { location }).end();
      return;
    }
    return sendWebResponse(res, errorResponse(e, String(req.headers["x-request-id"] ?? "-")));
  }
  touch(t.server.id);
  const upstream = spawner(t.server.spawner).upstream(t.server.state);
  const preq = upstreamRequest(upstream, { method: req.method, path: t.path, headers: upstreamHeaders(req, t, false) }, (pres) => {
    const headers = Object.fromEntries(Object.entries(pres.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
    if (typeof headers.location === "string") headers.location = t.publicLocation(headers.location);
    res.writeHead(pres.statusCode ?? 502, sandboxHeaders(headers));
    pres.pipe(res);
  });
  preq.on("error", (e) => {
    logger().warn({ err: e, server: t.server.id }, "proxy: upstream error");
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "bad_gateway", message: "The user's server did not answer" } }));
  });
  req.pipe(preq);
}

const OPEN = Symbol.for("kiln.proxyOpenSockets");
type G = typeof globalThis & { [OPEN]?: Map<number, number> };
const openSockets = () => ((globalThis as G)[OPEN] ??= new Map());

/** WebSockets open through the proxy to a server right now (a connected client: not idle). */
export function openProxySockets(serverId: number): number {
  return openSockets().get(serverId) ?? 0;
}

/** The servers this process holds proxy WebSockets to (each replica records them as activity: lib/servers/activity.ts). */
export function serversWithProxySockets(): number[] {
  return [...openSockets()].filter(([, n]) => n > 0).map(([id]) => id);
}

/** WebSockets through the proxy: the upgrade is replayed upstream and the bytes piped as they are. */
export async function proxyUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, userOrigin?: string): Promise<void> {
  let t: ProxyTarget;
  try {
    t = await target(req, userOrigin);
  } catch (e) {
    const status = (e as { status?: number }).status ?? 500;
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    return;
  }
  touch(t.server.id);
  const conn = upstreamConnect(spawner(t.server.spawner).upstream(t.server.state));
  (socket as net.Socket).setNoDelay?.(true);
  conn.on("connect", () => {
    const headers = upstreamHeaders(req, t, true);
    const lines = [`${req.method} ${t.path} HTTP/1.1`];
    for (const [k, v] of Object.entries(headers)) for (const x of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${x}`);
    conn.write(lines.join("\r\n") + "\r\n\r\n");
    if (head.length) conn.write(head);
    conn.pipe(socket).pipe(conn);
  });
  const open = openSockets();
  open.set(t.server.id, (open.get(t.server.id) ?? 0) + 1);
  let counted = true;
  const close = () => {
    if (counted) {
      counted = false;
      unregister();
      const n = (open.get(t.server.id) ?? 1) - 1;
      if (n > 0) open.set(t.server.id, n);
      else open.delete(t.server.id);
    }
    conn.destroy();
    socket.destroy();
  };
  const unregister = registerSocket(t.actor, close); // revoking its credential closes it
  conn.on("error", close);
  socket.on("error", close);
  conn.on("close", close);
  socket.on("close", close);
}
