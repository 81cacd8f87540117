import type { Db } from "../db";
import { ConflictError, NoServerError } from "../errors";
import { logger } from "../log";
import { beginInteractiveRun, endRun, openInteractiveRun } from "../runs/lifecycle";
import { CellWriter } from "../execution/cell-writer";
import { kernelExists, startKernel } from "../execution/kernel/rest";
import { OrderedPublisher } from "../execution/ordered-publisher";
import { executionRows, recorder } from "../execution/recorder";
import { KernelSession, type KernelTarget } from "../execution/session";
import { kernelTarget } from "../execution/target";
import { InteractiveRun } from "./interactive-run";
import { claimNotebook } from "./owner";

const KEY = Symbol.for("kiln.kernelSessions");
type G = typeof globalThis & { [KEY]?: Map<number, Promise<KernelSession>> };
const sessions = () => ((globalThis as G)[KEY] ??= new Map());
/** Each notebook session's writer of finished cells into the stored notebook. */
const cellWriters = new WeakMap<KernelSession, CellWriter>();

/**
 * A notebook's interactive kernel session: its executions' rows, the notebook's open views,
 * the stored notebook's cells, and a run per life of the kernel (lib/execution/observer.ts).
 */
export function notebookSession(of: { notebookId: number; userId: number; kernelId: string; target: KernelTarget }, runId: number, session?: string): KernelSession {
  const s = new KernelSession(of.notebookId, of.userId, of.target, of.kernelId, new InteractiveRun(of, runId), { session });
  const cells = new CellWriter(of.notebookId);
  cellWriters.set(s, cells);
  return s.observe(executionRows).observe(new OrderedPublisher(of.notebookId)).observe(cells);
}

/** The notebook's cells that finished and are not yet in its stored document (a view loaded meanwhile shows them). */
export function unwrittenCells(s: KernelSession): CellWriter | undefined {
  return cellWriters.get(s);
}

/** Whether this replica has the notebook's kernel session (opening, or open and not closed). */
export function hasSession(notebookId: number): boolean {
  return sessions().has(notebookId);
}

/** Another replica owns the notebook now: the session lets go of its kernel without ending anything. */
export function dropSession(notebookId: number) {
  const opening = sessions().get(notebookId);
  sessions().delete(notebookId);
  void opening?.then((s: KernelSession) => s.suspend(), () => {});
}

export function currentSession(notebookId: number): Promise<KernelSession> | undefined {
  return sessions().get(notebookId);
}

async function open(db: Db, notebookId: number, userId: number, t: KernelTarget): Promise<KernelSession> {
  // After a Kiln restart the notebook's kernel may still be running: its open run names it.
  const previous = await openInteractiveRun(db, notebookId);
  const alive = previous?.kernelId && (await kernelExists(t, previous.kernelId).catch(() => false));
  let kernelId = alive ? previous!.kernelId! : null;
  if (!kernelId) {
    if (previous) await endRun(db, previous.id, "finished");
    kernelId = await startKernel(t);
  }
  const runId = alive ? previous!.id : await beginInteractiveRun(db, { notebookId, userId, kernelId, target: t });
  const s = notebookSession({ notebookId, userId, kernelId, target: t }, runId);
  await s.connect();
  return s;
}

/**
 * The notebook's kernel session, opened on first use: one kernel per notebook on the user's
 * default server. A session whose server went away (or changed) is replaced.
 */
export async function ensureSession(db: Db, notebookId: number, userId: number): Promise<KernelSession> {
  // One replica runs a notebook's kernel session (owner.ts); a request reaching this one was not forwarded because there is none other.
  if (!(await claimNotebook(db, notebookId))) throw new ConflictError("Another Kiln replica holds this notebook's kernel session: try again");
  // A connected session is its own proof that the server is up: its socket closes with the server.
  const open_ = await sessions().get(notebookId)?.catch(() => null);
  if (open_ && !open_.closed && open_.state !== "disconnected") return open_;
  const t = await kernelTarget(db, userId);
  if (!t) throw new NoServerError("Start your server first: a notebook's kernel runs on it");
  const all = sessions();
  const existing = all.get(notebookId);
  if (existing) {
    const s = await existing.catch(() => null);
    if (s && !s.closed && s.target.serverId === t.serverId) return s;
    s?.close();
    all.delete(notebookId);
  }
  const opening = open(db, notebookId, userId, t);
  all.set(notebookId, opening);
  opening.catch((e) => {
    logger().warn({ err: e, notebook: notebookId }, "could not open a kernel session");
    if (all.get(notebookId) === opening) all.delete(notebookId);
  });
  return opening;
}

/** A session opened elsewhere (a restarted Kiln resuming a running cell: recover.ts) becomes the notebook's. */
export function adoptSession(notebookId: number, opening: Promise<KernelSession>) {
  const all = sessions();
  all.set(notebookId, opening);
  opening.catch(() => all.get(notebookId) === opening && all.delete(notebookId));
}

/**
 * At shutdown: every session records what arrived and lets go of its kernel without ending
 * anything, so the next Kiln picks up where this one stopped.
 */
export async function suspendAllSessions(): Promise<void> {
  for (const opening of sessions().values()) (await opening.catch(() => null))?.suspend();
}

/** Every finished cell of the notebook is in its stored document once this resolves. */
export async function settleNotebook(notebookId: number): Promise<void> {
  const s = await sessions().get(notebookId)?.catch(() => null);
  await s?.settle();
}

/** At shutdown: what finished is written before the database closes. */
export async function settleAllNotebooks(): Promise<void> {
  await Promise.all([...sessions().keys()].map(settleNotebook));
  await recorder().settle();
}
