import type { IncomingMessage } from "node:http";
import type { Db } from "../db";
import { authenticate } from "./authenticate";
import type { Principal } from "./principal";

/**
 * Who opened a raw Node request (WebSocket upgrades, the proxy): its headers as a web
 * Headers, with `?token=` standing in for the Authorization header browsers cannot set on
 * a WebSocket.
 */
export async function authenticateNodeRequest(db: Db, req: IncomingMessage, queryToken: string | null): Promise<{ actor: Principal | null; headers: Headers }> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  if (!headers.has("authorization") && queryToken) headers.set("authorization", `token ${queryToken}`);
  return { actor: await authenticate(db, new Request("http://kiln.local/", { headers })), headers };
}
