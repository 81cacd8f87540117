import { and, desc, eq, inArray, isNotNull, notInArray } from "drizzle-orm";
import type { Db } from "../db";
import { notebooks, runs, servers } from "../db/schema";
import { logger } from "../log";
import type { KernelTarget } from "../execution/session";
import { spawner } from "../spawners/registry";

const digests = new Map<number, Promise<string>>();

/** The image id the server runs, asked once per server (a container's image cannot change). */
export function serverImageDigest(t: KernelTarget): Promise<string> {
  let d = digests.get(t.serverId);
  if (!d) {
    d = spawner(t.spawner).imageDigest(t.state).catch((e) => {
      logger().warn({ err: e, server: t.serverId }, "could not read the server's image digest");
      digests.delete(t.serverId);
      return "";
    });
    digests.set(t.serverId, d);
  }
  return d;
}

/** A kernel session of a notebook begins: that is a run, recorded without any code of the user's. */
export async function beginInteractiveRun(db: Db, i: { notebookId: number; userId: number; kernelId: string; target: KernelTarget }): Promise<number> {
  const [nb] = await db.select({ name: notebooks.name, revision: notebooks.revision }).from(notebooks).where(eq(notebooks.id, i.notebookId));
  const t = i.target;
  const [row] = await db
    .insert(runs)
    .values({
      ownerId: i.userId, notebookId: i.notebookId, notebookName: nb?.name ?? "", notebookRevision: nb?.revision ?? 0,
      kind: "interactive", status: "running", kernelId: i.kernelId, serverId: t.serverId, image: t.image, imageDigest: await serverImageDigest(t),
      resources: { cpu: t.cpu, memory_mb: t.memoryMb, gpus: t.gpus, gpu_ids: t.gpuIds },
    })
    .returning({ id: runs.id });
  return row!.id;
}

/** Ends a run that is still open; a run already ended keeps its first ending. */
export async function endRun(db: Db, runId: number, status: "finished" | "failed" | "killed", error: string | null = null) {
  await db
    .update(runs)
    .set({ status, error, endedAt: new Date() })
    .where(and(eq(runs.id, runId), inArray(runs.status, ["queued", "running"])));
}

/** The notebook's interactive run still open (its kernel may have outlived a Kiln restart). */
export async function openInteractiveRun(db: Db, notebookId: number): Promise<{ id: number; kernelId: string | null } | null> {
  const [row] = await db
    .select({ id: runs.id, kernelId: runs.kernelId })
    .from(runs)
    .where(and(eq(runs.notebookId, notebookId), eq(runs.kind, "interactive"), eq(runs.status, "running")))
    .orderBy(desc(runs.id))
    .limit(1);
  return row ?? null;
}

/**
 * The server a run's kernel lived on is gone (stopped, culled, crashed): its runs end,
 * never to stay "running". An interactive run simply ends; a batch run was cut short.
 */
export async function endRunsOfServer(db: Db, serverId: number, why: string) {
  const open = and(eq(runs.serverId, serverId), inArray(runs.status, ["queued", "running"]));
  await db.update(runs).set({ status: "finished", endedAt: new Date() }).where(and(open, eq(runs.kind, "interactive")));
  await db.update(runs).set({ status: "failed", error: why, endedAt: new Date() }).where(and(open, eq(runs.kind, "batch")));
}

/** At start-up: runs whose server went while Kiln was down are ended too. */
export async function endRunsOfVanishedServers(db: Db) {
  const live = (await db.select({ id: servers.id }).from(servers)).map((s) => s.id);
  const open = await db
    .selectDistinct({ serverId: runs.serverId })
    .from(runs)
    .where(and(inArray(runs.status, ["queued", "running"]), isNotNull(runs.serverId), live.length ? notInArray(runs.serverId, live) : undefined));
  for (const r of open) await endRunsOfServer(db, r.serverId!, "The server stopped while Kiln was down");
}
