import type http from "node:http";
import { BlockList, isIP, type Socket } from "node:net";
import { forwardedByReplica } from "../cluster/forward";
import { getConfig } from "../config";

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
  const peer = req.socket.remoteAddress ?? "unknown";
  const xff = req.headers["x-forwarded-for"];
  if (xff === undefined || !getConfig().trustedProxies.length) return peer;
  return forwardedClient(peer, Array.isArray(xff) ? xff.join(",") : xff, isTrustedProxy);
}

/** "::ffff:10.0.0.1" is 10.0.0.1. */
const unmapped = (a: string) => (a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

/**
 * Behind load balancers (KILN_TRUSTED_PROXIES): the client is the last address in
 * X-Forwarded-For that is not one of them, read from the right, since each proxy appends
 * the address it saw and anything further left is whatever the client claimed. From a peer
 * that is not a trusted proxy the header is ignored: anyone can send one.
 */
export function forwardedClient(peer: string, xff: string, trusted: (address: string) => boolean): string {
  peer = unmapped(peer);
  if (!trusted(peer)) return peer;
  const hops = xff.split(",").map((h) => unmapped(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return peer; // a garbled chain: believe only what the socket says
    if (!trusted(hop)) return hop;
  }
  return hops[0] && isIP(hops[0]) ? hops[0] : peer; // every hop a proxy of ours
}

let proxies: BlockList | null | undefined;
function isTrustedProxy(address: string): boolean {
  if (proxies === undefined) {
    const list = getConfig().trustedProxies;
    proxies = list.length ? new BlockList() : null;
    for (const entry of list) {
      const [addr, bits] = entry.split("/");
      const type = isIP(addr!) === 6 ? "ipv6" : "ipv4";
      if (bits === undefined) proxies!.addAddress(addr!, type);
      else proxies!.addSubnet(addr!, Number(bits), type);
    }
  }
  if (!proxies) return false;
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? "ipv6" : "ipv4");
}
