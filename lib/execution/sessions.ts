import { and, eq } from "drizzle-orm";
import type { Db } from "../db";
import { servers, users } from "../db/schema";
import { NoServerError } from "../errors";
import { logger } from "../log";
import { jupyterTokenOf, upstreamBaseUrl } from "../servers/find";
import { spawner } from "../spawners/registry";
import { beginInteractiveRun, endRun, openInteractiveRun } from "../runs/lifecycle";
import { kernelExists, startKernel } from "./kernel-rest";
import { recorder } from "./recorder";
import { KernelSession, type KernelTarget } from "./session";

const KEY = Symbol.for("kiln.kernelSessions");
type G = typeof globalThis & { [KEY]?: Map<number, Promise<KernelSession>> };
const sessions = () => ((globalThis as G)[KEY] ??= new Map());

/** The user's default server, as a kernel target; null when none is ready. */
export async function kernelTarget(db: Db, userId: number): Promise<KernelTarget | null> {
  const [row] = await db
    .select({ server: servers, user: users.name })
    .from(servers)
    .innerJoin(users, eq(users.id, servers.userId))
    .where(and(eq(servers.userId, userId), eq(servers.name, "")));
  if (!row || row.server.status !== "ready") return null;
  const s = row.server;
  return {
    serverId: s.id, upstream: spawner(s.spawner).upstream(s.state), basePath: upstreamBaseUrl(s, row.user), token: jupyterTokenOf(s),
    image: s.image, cpu: s.cpu, memoryMb: s.memoryMb, gpus: s.gpus, gpuIds: s.gpuIds, spawner: s.spawner, state: s.state,
  };
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
  const s = new KernelSession(notebookId, userId, t, kernelId, runId);
  await s.connect();
  return s;
}

/**
 * The notebook's kernel session, opened on first use: one kernel per notebook on the user's
 * default server. A session whose server went away (or changed) is replaced.
 */
export async function ensureSession(db: Db, notebookId: number, userId: number): Promise<KernelSession> {
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
  await s?.flushCells();
}

/** At shutdown: what finished is written before the database closes. */
export async function settleAllNotebooks(): Promise<void> {
  await Promise.all([...sessions().keys()].map(settleNotebook));
  await recorder().settle();
}
