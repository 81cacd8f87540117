import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db";
import { notebooks, runs } from "../db/schema";
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
      kind: "interactive", status: "running", kernelId: i.kernelId, image: t.image, imageDigest: await serverImageDigest(t),
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
