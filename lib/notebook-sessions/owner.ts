import { inArray } from "drizzle-orm";
import { reachable } from "../cluster/forward";
import { dropLease, keepLease, keeps, keptNames, replicaAddress } from "../cluster/keeper";
import { leaseHolder, liveHolders } from "../cluster/lease";
import { WORKER_ID } from "../jobs/worker";
import type { Db } from "../db";
import { executions } from "../db/schema";
import { restartLog } from "../execution/events";
import { logger } from "../log";
import { endOrphanedBatchRuns, resumeNotebook } from "./recover";
import { dropSession, hasSession } from "./sessions";

/**
 * A notebook's kernel session has one owner among Kiln's replicas: the one holding the lease
 * `notebook:{id}`. It runs the notebook's cells and serves its views; other replicas forward
 * the notebook's requests and channels there (route.ts). When the owner dies, the next
 * replica to need the notebook (or the orphan sweep below, within seconds) takes the lease,
 * reconnects to the kernel with the same Jupyter session id and carries on.
 */
export const notebookLease = (id: number) => `notebook:${id}`;
export const batchRunLease = (runId: number) => `run:${runId}`;

const views = new Map<number, Set<() => void>>();
const claiming = new Map<number, Promise<boolean>>();

/**
 * Makes this replica the notebook's owner (true), unless another live one is (false). A new
 * ownership starts the notebook's event log afresh (views resuming from the previous owner's
 * ids are reset and replayed) and resumes the cells the previous owner left running.
 */
export function claimNotebook(db: Db, id: number, force = false): Promise<boolean> {
  const name = notebookLease(id);
  if (!force && keeps(name)) return keepLease(db, name);
  const inFlight = claiming.get(id);
  if (inFlight) return inFlight;
  const claim = (async () => {
    const had = keeps(name);
    if (!(await keepLease(db, name, { force, onLost: () => letGo(id) }))) return false;
    if (!had) {
      restartLog(id);
      await resumeNotebook(db, id);
    }
    return true;
  })().finally(() => claiming.delete(id));
  claiming.set(id, claim);
  return claim;
}

/**
 * Who holds a lease, seen from here: `address` of the live replica holding it, if another;
 * `dead` when its holder is gone (a previous life of this address, or an address that
 * refuses connections: its process died, and waiting for the expiry would only keep users
 * waiting).
 */
export async function holderOf(db: Db, name: string): Promise<{ address: string | null; dead: boolean }> {
  const h = await leaseHolder(db, name);
  if (!h || h.mine) return { address: null, dead: false };
  if (!h.address || h.address === replicaAddress() || !(await reachable(h.address))) return { address: null, dead: true };
  return { address: h.address, dead: false };
}

/** Another replica took the notebook over (this one stalled): its views go there, its session lets go. */
function letGo(id: number) {
  logger().warn({ notebook: id }, "another replica took this notebook's kernel session over");
  for (const close of views.get(id) ?? []) close();
  dropSession(id);
}

/** An open view of the notebook on this replica; closed (to reconnect to the new owner) if the lease is lost. */
export function registerView(id: number, close: () => void): () => void {
  let set = views.get(id);
  if (!set) views.set(id, (set = new Set()));
  set.add(close);
  return () => {
    set.delete(close);
    if (set.size === 0 && views.get(id) === set) views.delete(id);
  };
}

/**
 * Each lease round (and once at start-up): notebooks with neither a session nor a view here are let go; cells left
 * running by a replica that died are resumed here (their notebook's lease ran out, or its
 * holder no longer answers), and whole-notebook runs whose driver died are ended.
 */
export async function notebookRound(db: Db): Promise<void> {
  for (const name of keptNames()) {
    const id = Number(name.slice("notebook:".length));
    if (name.startsWith("notebook:") && !views.has(id) && !hasSession(id) && !claiming.has(id)) await dropLease(db, name);
  }
  const open = await db.selectDistinct({ notebookId: executions.notebookId }).from(executions).where(inArray(executions.status, ["queued", "running"]));
  const candidates = open.map((r) => r.notebookId).filter((id) => !keeps(notebookLease(id)));
  const held = await liveHolders(db, candidates.map(notebookLease));
  for (const id of candidates) {
    const h = held.get(notebookLease(id));
    if (h?.address && h.holder !== WORKER_ID && h.address !== replicaAddress() && (await reachable(h.address))) continue; // its owner is alive
    await claimNotebook(db, id, true).catch((e) => logger().warn({ err: e, notebook: id }, "could not take over a notebook's running cells"));
  }
  await endOrphanedBatchRuns(db, async (runId) => keeps(batchRunLease(runId)) || (await holderOf(db, batchRunLease(runId))).address !== null);
}
