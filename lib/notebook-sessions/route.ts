import type http from "node:http";
import type { Duplex } from "node:stream";
import { forwardHttp, forwardUpgrade, forwardedByReplica } from "../cluster/forward";
import { keeps } from "../cluster/keeper";
import { getDb } from "../db";
import { claimNotebook, holderOf, notebookLease } from "./owner";

const NOTEBOOK_PATH = /^\/api\/notebooks\/(\d+)(?:\/|$)/;

/** The notebook a request is about (/api/notebooks/{id} and below), if any. */
export function notebookIdOf(path: string): number | null {
  const m = NOTEBOOK_PATH.exec(path);
  return m ? Number(m[1]) : null;
}

/**
 * Where a request about a notebook is served: null for here, else the address of the live
 * replica holding its kernel session. A holder that no longer answers is taken over here at
 * once, rather than after its lease runs out.
 */
async function ownerElsewhere(id: number, req: http.IncomingMessage): Promise<string | null> {
  if (forwardedByReplica(req) || keeps(notebookLease(id))) return null;
  const db = await getDb();
  const { address, dead } = await holderOf(db, notebookLease(id));
  // Its holder died: this replica takes it now, resuming what the holder was running.
  if (dead) await claimNotebook(db, id, true);
  return address;
}

/** Forwards the request to the notebook's owner replica (true), or leaves it to be served here (false). */
export async function routeNotebookRequest(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<boolean> {
  const id = notebookIdOf(path);
  if (id === null) return false;
  const address = await ownerElsewhere(id, req);
  if (!address) return false;
  forwardHttp(req, res, address);
  return true;
}

/** The same for a WebSocket (the notebook's channel): a replica that died meanwhile is taken over here. */
export async function routeNotebookUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, path: string): Promise<boolean> {
  const id = notebookIdOf(path);
  if (id === null) return false;
  const address = await ownerElsewhere(id, req);
  if (!address) return false;
  if (await forwardUpgrade(req, socket, head, address)) return true;
  await claimNotebook(await getDb(), id, true); // it died this instant
  return false;
}
