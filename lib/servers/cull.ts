import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { servers, type ServerRow, users } from "../db/schema";
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

/**
 * Servers idle for longer than `timeoutS` (no traffic through the proxy, no kernel activity
 * Jupyter reports) are returned for stopping; activity found on the way is recorded.
 */
export async function idleServers(db: Db, timeoutS: number): Promise<ServerRow[]> {
  if (timeoutS <= 0) return [];
  const cutoff = Date.now() - timeoutS * 1000;
  const rows = await db.select({ server: servers, user: users.name }).from(servers).innerJoin(users, eq(users.id, servers.userId)).where(eq(servers.status, "ready"));
  const idle: ServerRow[] = [];
  for (const { server, user } of rows) {
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
    idle.push(server);
  }
  return idle;
}
