import crypto from "node:crypto";
import { and, count, eq, ne, sql } from "drizzle-orm";
import { seal, unseal } from "../auth/at-rest";
import type { HeldLease } from "../cluster/hold";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { getConfig } from "../config";
import type { Db } from "../db";
import { gpuRequests, images, servers, type ServerRow, users } from "../db/schema";
import { ConflictError, isUniqueViolation, RateLimitError, UnprocessableError, ValidationError } from "../errors";
import { logger } from "../log";
import { type GpuAnswer, heldBy, queuePosition, releaseGpus, requestGpus, waitForGpus } from "../gpus/allocator";
import { defaultSpawner, spawner } from "../spawners/registry";
import type { SpawnSpec } from "../spawners/types";
import { mintServerToken } from "../tokens/server-token";
import { requireUserByName } from "../users/find";
import { findServer, serverBaseUrl } from "./find";
import { resolveOptions, type ServerOptions } from "./options";
import { emitProgress, progressKey, lastProgress, resetProgress } from "./progress";
import { serverModel } from "./serialize";
import { whileStarting } from "./spawns-in-flight";
import { holdTransition } from "./transition-lease";

/**
 * POST /hub/api/users/{name}/server[s/{server_name}]. Starts the spawn in the background and
 * waits up to `waitMs` for it: the caller gets the ready server (201) or the pending one (202).
 */
export async function startServer({ ctx, input }: { ctx: Ctx; input: { name: string; serverName: string; options: ServerOptions; waitMs?: number } }) {
  requireSelfOrAdmin(ctx.actor, input.name);
  const config = getConfig().servers;
  const user = await requireUserByName(ctx.db, input.name);
  const existing = await findServer(ctx.db, user.id, input.serverName);
  if (existing?.status === "pending") return { status: 202, server: serverModel(user.name, existing) };
  if (existing) throw new ConflictError(`${input.serverName ? `Server ${input.serverName}` : "The default server"} is already running`, "server_name");
  const opts = await resolveOptions(ctx.db, input.options);
  if (input.serverName) {
    const [named] = await ctx.db.select({ n: count() }).from(servers).where(and(eq(servers.userId, user.id), ne(servers.name, "")));
    if ((named?.n ?? 0) >= config.maxNamedServers)
      throw new ValidationError(`At most ${config.maxNamedServers} named servers per user`, "server_name");
  }
  const [pending] = await ctx.db.select({ n: count() }).from(servers).where(eq(servers.status, "pending"));
  if ((pending?.n ?? 0) >= config.concurrentSpawnLimit) throw new RateLimitError("Too many servers are starting; try again shortly", 10);

  const jupyterToken = crypto.randomBytes(32).toString("hex");
  // This replica's until the row is ready or gone (transition-lease.ts): taken before the row exists.
  const lease = await holdTransition(ctx.db, user.id, input.serverName);
  if (!lease) throw new ConflictError("That server is already starting or stopping", "server_name");
  let row: ServerRow;
  try {
    [row] = (await ctx.db
      .insert(servers)
      .values({
        userId: user.id, name: input.serverName, image: opts.image.name, cpu: opts.cpu, memoryMb: opts.memoryMb, gpus: opts.gpus,
        spawner: defaultSpawner(), status: "pending", state: { jupyterToken: seal(jupyterToken) },
      })
      .returning()) as [ServerRow];
  } catch (e) {
    await lease.release();
    if (isUniqueViolation(e)) throw new ConflictError("That server is already starting", "server_name");
    throw e;
  }
  // GPUs from the allocator (lib/gpus): granted now, queued, or refused (over quota; not free
  // with "wait": false), in which case the server was never started.
  const holder = { kind: "server" as const, id: String(row.id) };
  let gpu: GpuAnswer;
  try {
    gpu = await requestGpus(ctx.db, { holder, userId: user.id, count: opts.gpus, image: opts.image.reference, wait: input.options.wait ?? true });
  } catch (e) {
    await ctx.db.delete(servers).where(eq(servers.id, row.id));
    await lease.release();
    throw e;
  }
  if (gpu.state === "granted" && gpu.uuids.length) {
    await ctx.db.update(servers).set({ gpuIds: gpu.uuids }).where(eq(servers.id, row.id));
    row = { ...row, gpuIds: gpu.uuids };
  }
  const key = progressKey(user.id, input.serverName);
  resetProgress(key);
  emitProgress(key, { progress: 0, message: "Server requested" });
  const done = spawnRow(ctx.db, row, user, opts.image.reference, jupyterToken, key, gpu).finally(() => lease.release());
  const ready = await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), input.waitMs ?? 10_000).unref())]);
  const now = await findServer(ctx.db, user.id, input.serverName);
  if (!now) {
    const reason = lastProgress(key)?.message ?? "Spawn failed";
    throw new UnprocessableError(`The server could not start. ${reason}`);
  }
  return { status: ready && now.status === "ready" ? 201 : 202, server: serverModel(user.name, now) };
}

/** The spawn of a server row whose GPUs are granted or queued: its spec, then runSpawn. */
async function spawnRow(db: Db, row: ServerRow, user: { id: number; name: string; legacyHome: boolean }, image: string, jupyterToken: string, key: string, gpu: GpuAnswer) {
  // The `kiln` module in the server's kernels logs runs and reads data with this token.
  const serverToken = await mintServerToken(db, user.id, row.id, row.name);
  return runSpawn({ db } as Ctx, row.id, row.spawner, key, gpu, {
    serverId: row.id, userId: user.id, user: user.name, legacyHome: user.legacyHome, serverName: row.name, image, cpu: row.cpu, memoryMb: row.memoryMb, gpuIds: row.gpuIds,
    baseUrl: serverBaseUrl(user.name, row.name), jupyterToken,
    // How the kiln module reaches Kiln (KILN_API_URL, a socket) is the spawner's to say.
    env: { KILN_USER: user.name, KILN_SERVER_NAME: row.name, KILN_SERVER_TOKEN: serverToken },
  });
}

/**
 * A pending server whose replica is gone (orphans.ts), held under its transition lease: if
 * it was waiting for GPUs it keeps its place in the queue (the request is in the database)
 * and its spawn carries on here, the lease released at its end. False: nothing to resume.
 */
export async function resumeQueuedSpawn(db: Db, row: ServerRow, lease: HeldLease): Promise<boolean> {
  const [w] = await db
    .select({ user: { id: users.id, name: users.name, legacyHome: users.legacyHome }, reference: images.reference })
    .from(servers)
    .innerJoin(users, eq(users.id, servers.userId))
    .innerJoin(images, eq(images.name, servers.image))
    .innerJoin(gpuRequests, and(eq(gpuRequests.holderKind, "server"), eq(gpuRequests.holderId, sql`${servers.id}::text`)))
    .where(and(eq(servers.id, row.id), eq(servers.status, "pending")));
  if (!w) return false;
  const holder = { kind: "server" as const, id: String(row.id) };
  const key = progressKey(w.user.id, row.name);
  const place = await queuePosition(db, holder);
  const granted = await heldBy(db, holder);
  const gpu: GpuAnswer = granted.length ? { state: "granted", uuids: granted } : { state: "queued", ...(place ?? { position: 1, of: 1 }) };
  if (granted.length) await db.update(servers).set({ gpuIds: granted }).where(eq(servers.id, row.id));
  emitProgress(key, { progress: 0, message: "Server requested (Kiln restarted: still in the queue)" });
  void spawnRow(db, { ...row, gpuIds: granted }, w.user, w.reference, unseal(String(row.state.jupyterToken)), key, gpu).finally(() => lease.release());
  return true;
}

async function runSpawn(ctx: Ctx, id: number, kind: string, key: string, gpu: GpuAnswer, spec: SpawnSpec): Promise<boolean> {
  const holder = { kind: "server" as const, id: String(id) };
  if (gpu.state === "queued") {
    // Waiting for GPUs is not starting: the spawn's own time begins once they are granted, and
    // a Kiln that stops meanwhile leaves the request queued for the next one (orphans.ts).
    try {
      let said = "";
      const say = (p: { position: number; of: number }) => {
        const message = `Queued for GPU: position ${p.position} of ${p.of}`;
        if (message !== said) emitProgress(key, { progress: 5, message: (said = message) });
      };
      say(gpu);
      spec = { ...spec, gpuIds: await waitForGpus(ctx.db, holder, say) };
      await ctx.db.update(servers).set({ gpuIds: spec.gpuIds }).where(eq(servers.id, id));
      emitProgress(key, { progress: 8, message: `GPU granted: ${spec.gpuIds.join(", ")}` });
    } catch (e) {
      return spawnFailed(ctx, id, key, e, (e as Error).message);
    }
  }
  return whileStarting((shutdown) => startGranted(ctx, id, kind, key, spec, shutdown));
}

/** The start itself, once any GPUs are granted: ended (and cleaned up by its spawner) when it times out or Kiln shuts down. */
async function startGranted(ctx: Ctx, id: number, kind: string, key: string, spec: SpawnSpec, shutdown: AbortSignal): Promise<boolean> {
  const s = spawner(kind);
  let timeout = AbortSignal.timeout(getConfig().servers.spawnTimeoutS * 1000);
  try {
    if (s.prepare) {
      await s.prepare(spec, (e) => emitProgress(key, e));
      timeout = AbortSignal.timeout(getConfig().servers.spawnTimeoutS * 1000); // the start's own time begins now
    }
    shutdown.throwIfAborted(); // nothing made yet: nothing to clean up
    const { state } = await s.start(spec, (e) => emitProgress(key, e), AbortSignal.any([timeout, shutdown]));
    const kept = await ctx.db
      .update(servers)
      // The spawner may have its own Jupyter token (a warm-pool container): kept, encrypted.
      .set({ status: "ready", state: { ...state, jupyterToken: seal(String(state.jupyterToken ?? spec.jupyterToken)) }, readyAt: new Date(), lastActivity: new Date() })
      .where(and(eq(servers.id, id), eq(servers.status, "pending")))
      .returning({ id: servers.id });
    if (kept.length === 0) {
      await s.stop(state); // stopped (or its user deleted) while it was starting: leave nothing behind
      await releaseGpus(ctx.db, { kind: "server", id: String(id) }, "stopped while starting");
      return false;
    }
    emitProgress(key, { progress: 100, message: "Server ready", ready: true, url: spec.baseUrl });
    return true;
  } catch (e) {
    const reason = timeout.aborted
      ? `did not become ready within ${getConfig().servers.spawnTimeoutS} s`
      : shutdown.aborted ? "Kiln stopped while it was starting; start it again" : (e as Error).message;
    return spawnFailed(ctx, id, key, e, reason);
  }
}

/** The row goes, its GPUs are released, and its views are told why. */
async function spawnFailed(ctx: Ctx, id: number, key: string, error: unknown, reason: string): Promise<false> {
  logger().warn({ err: error, server: key }, "spawn failed");
  await ctx.db.delete(servers).where(eq(servers.id, id));
  await releaseGpus(ctx.db, { kind: "server", id: String(id) }, "spawn failed").catch((e2) => logger().error({ err: e2, server: id }, "could not release a failed spawn's GPUs"));
  emitProgress(key, { progress: 100, message: `Spawn failed: ${reason}`, failed: true });
  return false;
}
