import type http from "node:http";
import type { Socket } from "node:net";
import { forwardedByReplica } from "../cluster/forward";

/**
 * The address a request came from. Requests that Kiln's serving process passes back over
 * its private socket (lib/serving/process/forward.ts) carry their client's address in
 * PEER_HEADER; only connections on that socket are believed, anyone else's copy is ignored.
 */
export const PEER_HEADER = "x-kiln-peer";
const FROM_SERVING_PROCESS = new WeakSet<Socket>();

export function trustPeerHeader(socket: Socket) {
  FROM_SERVING_PROCESS.add(socket);
}

export function clientAddress(req: http.IncomingMessage): string {
  // Also from another Kiln replica handing over a notebook's request (lib/cluster/forward.ts), proven by its mark.
  if (FROM_SERVING_PROCESS.has(req.socket) || forwardedByReplica(req)) return String(req.headers[PEER_HEADER] ?? "unknown");
  return req.socket.remoteAddress ?? "unknown";
}
