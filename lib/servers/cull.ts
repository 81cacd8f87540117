import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { servers, type ServerRow, users } from "../db/schema";
import { gpuUtilization } from "../gpus/utilization";
import { logger } from "../log";
import { openProxySockets } from "../proxy/forward";
import { spawner } from "../spawners/registry";
import { upstreamFetch } from "../spawners/upstream";
import { jupyterTokenOf, upstreamBaseUrl } from "./find";

/**
 * Jupyter's own idea of the last activity (/api/status), and "now" while any kernel is
 * busy: a long computation prints nothing and sends no traffic, yet is not idleness.
 */
async function jupyterActivity(row: ServerRow, user: string): Promise<Date | null | "unknown"> {
  const upstream = spawner(row.spawner).upstream(row.state);
  const base = `${upstreamBaseUrl(row, user)}api/`;
  const get = async <T>(path: string) =>
    (await upstreamFetch(upstream, base + path, { headers: { authorization: `token ${jupyterTokenOf(row)}` }, timeoutMs: 3000 })).json<T>();
  try {
    // no_track_activity: asking must not itself count as activity
    const kernels = await get<{ execution_state?: string }[]>("kernels?no_track_activity=1");
    if (kernels.some((k) => k.execution_state === "busy")) return new Date();
    const status = await get<{ last_activity?: string }>("status");
    return status.last_activity ? new Date(status.last_activity) : null;
  } catch {
    return "unknown"; // a server that does not answer now is not thereby idle: never cull on doubt
  }
}

/** When each GPU-holding server's devices were last seen working (utilisation above 0%). */
const gpuBusySeen = new Map<number, number>();

/**
 * Servers to stop, with the reason the culler logs: idle for longer than `timeoutS` (no
 * traffic through the proxy, no kernel activity Jupyter reports); a server holding GPUs
 * after its own, shorter `gpuTimeoutS`, and also when its GPUs have been at 0% for that
 * long (where nvidia-smi reports it) even with a kernel connected: a GPU kept by an idle
 * notebook is a GPU someone in the queue cannot have. Activity found on the way is recorded.
 */
export async function idleServers(db: Db, timeoutS: number, gpuTimeoutS = 0): Promise<{ server: ServerRow; reason: string }[]> {
  const rows = await db.select({ server: servers, user: users.name }).from(servers).innerJoin(users, eq(users.id, servers.userId)).where(eq(servers.status, "ready"));
  const util = rows.some((r) => r.server.gpuIds.length) && gpuTimeoutS > 0 ? await gpuUtilization() : null;
  const idle: { server: ServerRow; reason: string }[] = [];
  for (const { server, user } of rows) {
    const gpu = server.gpuIds.length > 0 && gpuTimeoutS > 0;
    if (gpu && util) {
      const seen = gpuBusySeen.get(server.id) ?? (server.readyAt ?? server.startedAt).getTime();
      const working = server.gpuIds.some((id) => (util.get(id) ?? 0) > 0);
      if (working) gpuBusySeen.set(server.id, Date.now());
      else if (Date.now() - seen > gpuTimeoutS * 1000) {
        logger().info({ server: server.id, gpus: server.gpuIds }, "server's GPUs idle: culling");
        idle.push({ server, reason: `its GPUs were at 0% for more than ${gpuTimeoutS} s` });
        gpuBusySeen.delete(server.id);
        continue;
      } else gpuBusySeen.set(server.id, seen);
    }
    const limit = gpu ? (timeoutS > 0 ? Math.min(timeoutS, gpuTimeoutS) : gpuTimeoutS) : timeoutS;
    if (limit <= 0) continue;
    const cutoff = Date.now() - limit * 1000;
    if ((server.lastActivity ?? server.startedAt).getTime() > cutoff) continue;
    // A client connected through the proxy (a kernel or terminal WebSocket) is someone at
    // work, as an open JupyterLab keeps a JupyterHub server alive.
    if (openProxySockets(server.id) > 0) {
      await db.update(servers).set({ lastActivity: new Date() }).where(eq(servers.id, server.id));
      continue;
    }
    const seen = await jupyterActivity(server, user);
    if (seen === "unknown") continue;
    if (seen && seen.getTime() > cutoff) {
      await db.update(servers).set({ lastActivity: seen }).where(eq(servers.id, server.id));
      continue;
    }
    logger().info({ server: server.id, lastActivity: server.lastActivity, jupyterLastActivity: seen }, "server idle: culling");
    idle.push({ server, reason: `idle for more than ${limit} s${gpu ? " (the limit for servers holding GPUs)" : ""}` });
  }
  return idle;
}
