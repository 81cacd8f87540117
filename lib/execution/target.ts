import { and, eq } from "drizzle-orm";
import type { Db } from "../db";
import { servers, users } from "../db/schema";
import { jupyterTokenOf, upstreamBaseUrl } from "../servers/find";
import { spawner } from "../spawners/registry";
import type { KernelTarget } from "./session-types";

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
