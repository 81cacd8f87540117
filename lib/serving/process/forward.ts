import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { clientAddress, PEER_HEADER } from "../../http/client-address";

/**
 * Requests that reached the wrong one of Kiln's two processes, passed to the other over its
 * private Unix socket: a served-model request on a connection Kiln's main process owns, or
 * a page on a connection it handed to the serving process (a browser reuses a kept-alive
 * connection for whatever it asks next). Rare, so plain piping is enough.
 *
 * PEER_HEADER carries the client's address; a client's own copy is dropped, and only the
 * private socket (a 0700 directory) is trusted with it.
 */
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "upgrade", PEER_HEADER]);

const agents = new Map<string, http.Agent>();
const agentFor = (socketPath: string) => {
  let a = agents.get(socketPath);
  if (!a) agents.set(socketPath, (a = new http.Agent({ keepAlive: true, maxSockets: 64 })));
  return a;
};

function unavailable(res: http.ServerResponse, what: string) {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ error: { code: "unavailable", message: `${what} is not answering; try again in a moment` } });
  res.writeHead(503, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "retry-after": "1" }).end(body);
}

export function forwardRequest(socketPath: string, req: http.IncomingMessage, res: http.ServerResponse, what: string): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
  headers[PEER_HEADER] = clientAddress(req);
  const out = http.request({ socketPath, agent: agentFor(socketPath), method: req.method, path: req.url, headers }, (up) => {
    const back: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(up.headers)) if (!HOP.has(k) && v !== undefined) back[k] = v;
    res.writeHead(up.statusCode ?? 502, up.statusMessage, back);
    up.pipe(res);
    up.on("error", () => res.destroy());
  });
  out.on("error", () => unavailable(res, what));
  res.on("close", () => {
    if (!res.writableFinished) out.destroy(); // the client left: so does the forwarded request (event streams)
  });
  req.pipe(out);
}

/** A WebSocket upgrade, byte for byte after its head (rewritten with the peer header). */
export function forwardUpgrade(socketPath: string, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const up = net.connect(socketPath, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() !== PEER_HEADER) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    lines.push(`${PEER_HEADER}: ${clientAddress(req)}`);
    up.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) up.write(head);
    socket.pipe(up).pipe(socket);
  });
  const end = () => {
    up.destroy();
    socket.destroy();
  };
  up.on("error", end);
  socket.on("error", end);
  socket.on("close", () => up.destroy());
  up.on("close", () => socket.destroy());
}
