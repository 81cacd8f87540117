import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { sessionSecret } from "../auth/session-secret";
import { clientAddress, PEER_HEADER } from "../http/client-address";
import { logger } from "../log";

/**
 * Requests one replica hands to another (a notebook's channel to the replica that holds its
 * kernel session). The mark proves it came from a replica, so the receiver serves it itself
 * instead of forwarding again; a client cannot forge it without the deployment's secret.
 */
const HEADER = "x-kiln-replica-forward";
const mark = () => crypto.createHash("sha256").update(`${sessionSecret()}\0replica-forward`).digest("hex");

export function forwardedByReplica(req: http.IncomingMessage): boolean {
  const v = req.headers[HEADER];
  if (typeof v !== "string" || v.length !== 64) return false;
  let expected: string;
  try {
    expected = mark();
  } catch {
    return false; // a process without the secret (the serving process) believes no replica
  }
  const given = Buffer.from(v);
  return given.length === expected.length && crypto.timingSafeEqual(given, Buffer.from(expected));
}

function target(address: string) {
  const u = new URL(address);
  return { host: u.hostname, port: Number(u.port || 80) };
}

function headersOf(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  return { ...req.headers, [HEADER]: mark(), [PEER_HEADER]: clientAddress(req) };
}

const seen = new Map<string, { ok: boolean; at: number }>();

/** Whether a replica's address takes connections (asked at most once a second per address). */
export function reachable(address: string): Promise<boolean> {
  const last = seen.get(address);
  if (last && Date.now() - last.at < 1000) return Promise.resolve(last.ok);
  return new Promise((resolve) => {
    const s = net.connect(target(address));
    const done = (ok: boolean) => {
      s.destroy();
      seen.set(address, { ok, at: Date.now() });
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

/** An HTTP request, streamed to the replica and its answer streamed back. */
export function forwardHttp(req: http.IncomingMessage, res: http.ServerResponse, address: string) {
  const preq = http.request({ ...target(address), method: req.method, path: req.url, headers: headersOf(req) }, (pres) => {
    res.writeHead(pres.statusCode ?? 502, pres.headers);
    pres.pipe(res);
  });
  preq.on("error", (e) => {
    seen.delete(address);
    logger().warn({ err: e, address }, "could not forward a request to the replica holding it");
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "bad_gateway", message: "The Kiln replica holding this notebook did not answer; try again" } }));
  });
  req.pipe(preq);
}

/**
 * A WebSocket upgrade, replayed byte for byte to the replica, then piped both ways. Resolves
 * false when the replica cannot be reached (nothing was consumed: the caller may serve it).
 */
export function forwardUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const up = net.connect(target(address));
    up.once("error", () => {
      seen.delete(address);
      resolve(false);
    });
    up.once("connect", () => {
      up.removeAllListeners("error");
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (const [k, v] of Object.entries(headersOf(req))) for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined) lines.push(`${k}: ${one}`);
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket).pipe(up);
      const close = () => (up.destroy(), socket.destroy());
      up.on("error", close).on("close", close);
      socket.on("error", close).on("close", close);
      resolve(true);
    });
  });
}
