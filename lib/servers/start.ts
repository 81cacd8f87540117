import crypto from "node:crypto";
import { and, count, eq, ne } from "drizzle-orm";
import { seal } from "../auth/at-rest";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import { getConfig } from "../config";
import { servers } from "../db/schema";
import { ConflictError, isUniqueViolation, RateLimitError, UnprocessableError, ValidationError } from "../errors";
import { logger } from "../log";
import { pickFreeGpus, withGpuLock } from "../gpus/allocate";
import { defaultSpawner, spawner } from "../spawners/registry";
import type { SpawnSpec } from "../spawners/types";
import { mintServerToken } from "../tokens/server-token";
import { requireUserByName } from "../users/find";
import { findServer, serverBaseUrl } from "./find";
import { resolveOptions, type ServerOptions } from "./options";
import { emitProgress, progressKey, lastProgress, resetProgress } from "./progress";
import { serverModel } from "./serialize";

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
  // Devices are picked and recorded in one critical section, so two starts never share one.
  const row = await withGpuLock(async () => {
    const gpuIds = await pickFreeGpus(ctx.db, opts.gpus);
    try {
      const [r] = await ctx.db
        .insert(servers)
        .values({
          userId: user.id, name: input.serverName, image: opts.image.name, cpu: opts.cpu, memoryMb: opts.memoryMb, gpus: opts.gpus, gpuIds,
          spawner: defaultSpawner(), status: "pending", state: { jupyterToken: seal(jupyterToken) },
        })
        .returning();
      return r!;
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError("That server is already starting", "server_name");
      throw e;
    }
  });
  const key = progressKey(user.id, input.serverName);
  resetProgress(key);
  emitProgress(key, { progress: 0, message: "Server requested" });
  // The `kiln` module in the server's kernels logs runs and reads data with this token.
  const serverToken = await mintServerToken(ctx.db, user.id, row.id, input.serverName);
  const done = runSpawn(ctx, row.id, row.spawner, key, {
    serverId: row.id, userId: user.id, user: user.name, legacyHome: user.legacyHome, serverName: input.serverName, image: opts.image.reference, cpu: opts.cpu, memoryMb: opts.memoryMb, gpuIds: row.gpuIds,
    baseUrl: serverBaseUrl(user.name, input.serverName), jupyterToken,
    // How the kiln module reaches Kiln (KILN_API_URL, a socket) is the spawner's to say.
    env: { KILN_USER: user.name, KILN_SERVER_NAME: input.serverName, KILN_SERVER_TOKEN: serverToken },
  });
  const ready = await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), input.waitMs ?? 10_000).unref())]);
  const now = await findServer(ctx.db, user.id, input.serverName);
  if (!now) {
    const reason = lastProgress(key)?.message ?? "Spawn failed";
    throw new UnprocessableError(`The server could not start. ${reason}`);
  }
  return { status: ready && now.status === "ready" ? 201 : 202, server: serverModel(user.name, now) };
}

async function runSpawn(ctx: Ctx, id: number, kind: string, key: string, spec: SpawnSpec): Promise<boolean> {
  const s = spawner(kind);
  let timeout = AbortSignal.timeout(getConfig().servers.spawnTimeoutS * 1000);
  try {
    if (s.prepare) {
      await s.prepare(spec, (e) => emitProgress(key, e));
      timeout = AbortSignal.timeout(getConfig().servers.spawnTimeoutS * 1000); // the start's own time begins now
    }
    const { state } = await s.start(spec, (e) => emitProgress(key, e), timeout);
    const kept = await ctx.db
      .update(servers)
      // The spawner may have its own Jupyter token (a warm-pool container): kept, encrypted.
      .set({ status: "ready", state: { ...state, jupyterToken: seal(String(state.jupyterToken ?? spec.jupyterToken)) }, readyAt: new Date(), lastActivity: new Date() })
      .where(and(eq(servers.id, id), eq(servers.status, "pending")))
      .returning({ id: servers.id });
    if (kept.length === 0) {
      await s.stop(state); // stopped (or its user deleted) while it was starting: leave nothing behind
      return false;
    }
    emitProgress(key, { progress: 100, message: "Server ready", ready: true, url: spec.baseUrl });
    return true;
  } catch (e) {
    const reason = timeout.aborted ? `did not become ready within ${getConfig().servers.spawnTimeoutS} s` : (e as Error).message;
    logger().warn({ err: e, server: key }, "spawn failed");
    await ctx.db.delete(servers).where(eq(servers.id, id));
    emitProgress(key, { progress: 100, message: `Spawn failed: ${reason}`, failed: true });
    return false;
  }
}
