import { and, eq, isNull } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { runs, type ServerRow, servers, users } from "../db/schema";
import { NotFoundError } from "../errors";
import type { KernelTarget } from "../execution/session";
import { jupyterTokenOf, upstreamBaseUrl } from "../servers/find";
import { spawner } from "../spawners/registry";
import { kernelExists, listKernelIds, listSessions } from "../execution/kernel/rest";
import { endRun, serverImageDigest } from "./lifecycle";

const KERNEL_ID = /^[0-9a-fA-F-]{36}$/;
const opening = new Map<string, Promise<number>>();

/**
 * The run of a cell Kiln never sent: JupyterLab, VS Code or `@jupyterlab/services` ran it
 * through /user/, so Kiln does not know its msg_id. The `kiln` module names its kernel
 * (X-Kiln-Kernel, from the connection file Jupyter named after it): the cell belongs to that
 * kernel's interactive run, found or begun here, named after the notebook Jupyter's session
 * says the kernel serves. Only the server's own token gets here, so only the owner's kernels.
 */
export async function runOfKernel(ctx: Ctx, kernelId: string): Promise<number> {
  const actor = ctx.actor;
  if (actor?.kind !== "user" || !actor.serverId || !KERNEL_ID.test(kernelId)) throw new NotFoundError("No cell of yours is running with this X-Kiln-Execution id");
  const key = `${actor.serverId}:${kernelId}`;
  let p = opening.get(key);
  if (!p) {
    p = findOrBegin(ctx, actor.user.id, actor.user.name, actor.serverId, kernelId).finally(() => opening.delete(key));
    opening.set(key, p);
  }
  return p;
}

async function findOrBegin(ctx: Ctx, userId: number, userName: string, serverId: number, kernelId: string): Promise<number> {
  const [open] = await ctx.db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.ownerId, userId), eq(runs.kernelId, kernelId), eq(runs.kind, "interactive"), eq(runs.status, "running")));
  if (open) return open.id;
  const [server] = await ctx.db.select().from(servers).where(and(eq(servers.id, serverId), eq(servers.userId, userId)));
  if (!server || server.status !== "ready") throw new NotFoundError("Your server is not running");
  const t: KernelTarget = {
    serverId, upstream: spawner(server.spawner).upstream(server.state), basePath: upstreamBaseUrl(server, userName), token: jupyterTokenOf(server),
    image: server.image, cpu: server.cpu, memoryMb: server.memoryMb, gpus: server.gpus, gpuIds: server.gpuIds, spawner: server.spawner, state: server.state,
  };
  const path = await notebookPathOf(t, kernelId);
  const [row] = await ctx.db
    .insert(runs)
    .values({
      ownerId: userId, notebookId: null, notebookName: path ?? `kernel ${kernelId.slice(0, 8)}`, notebookRevision: 0, kind: "interactive",
      status: "running", kernelId, serverId, image: server.image, imageDigest: await serverImageDigest(t),
      resources: { cpu: server.cpu, memory_mb: server.memoryMb, gpus: server.gpus, gpu_ids: server.gpuIds },
    })
    .returning({ id: runs.id });
  return row!.id;
}

/** The kernel must be one of the server's; its notebook path is the session's, when a client made one. */
async function notebookPathOf(t: KernelTarget, kernelId: string): Promise<string | null> {
  if (!(await kernelExists(t, kernelId))) throw new NotFoundError("No such kernel on your server");
  const list = await listSessions(t);
  const mine = list?.find((s) => s.kernel?.id === kernelId);
  return mine?.path || mine?.name || null;
}

/** Runs of kernels Kiln did not open, on this server, whose kernel is gone: ended (the server poll). */
export async function endRunsOfGoneKernels(db: Db, server: ServerRow) {
  const open = await db
    .select({ id: runs.id, kernelId: runs.kernelId })
    .from(runs)
    .where(and(eq(runs.serverId, server.id), isNull(runs.notebookId), eq(runs.kind, "interactive"), eq(runs.status, "running")));
  if (!open.length) return;
  const [owner] = await db.select({ name: users.name }).from(users).where(eq(users.id, server.userId));
  if (!owner) return;
  const alive = await listKernelIds({ upstream: spawner(server.spawner).upstream(server.state), basePath: upstreamBaseUrl(server, owner.name), token: jupyterTokenOf(server) });
  if (!alive) return; // not known to be gone: never end a run on doubt
  for (const run of open) if (!run.kernelId || !alive.has(run.kernelId)) await endRun(db, run.id, "finished");
}
