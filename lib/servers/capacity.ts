import { asc, eq } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { gpus, servers, users } from "../db/schema";
import type { DockerSpawner } from "../spawners/docker";
import { spawner } from "../spawners/registry";

/** What the admin sees of the machine: the warm pool, and each GPU with its host, state and holder. */
export async function capacity({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const rows = await ctx.db.select({ id: servers.id, user: users.name, server: servers.name }).from(servers).innerJoin(users, eq(users.id, servers.userId));
  const byServer = new Map(rows.map((r) => [String(r.id), `${r.user}/${r.server}`]));
  const inventory = await ctx.db.select().from(gpus).orderBy(asc(gpus.host), asc(gpus.index));
  return {
    warm_pool: (spawner("docker") as DockerSpawner).pool?.status() ?? [],
    gpus: inventory.map((g) => ({
      host: g.host, index: g.index, id: g.uuid, name: g.model, memory_mb: g.memoryMb, state: g.state,
      held_by: g.holderKind === "server" ? (byServer.get(g.holderId!) ?? `server ${g.holderId}`) : g.holderKind ? `${g.holderKind} ${g.holderId}` : null,
      held_since: g.heldSince?.toISOString() ?? null,
    })),
  };
}
