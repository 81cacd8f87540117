import { eq } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { servers, users } from "../db/schema";
import { gpuInventory } from "../gpus/inventory";
import type { DockerSpawner } from "../spawners/docker";
import { spawner } from "../spawners/registry";

/** What the admin sees of the machine: the warm pool, and each GPU with the server holding it. */
export async function capacity({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const rows = await ctx.db.select({ user: users.name, server: servers.name, ids: servers.gpuIds }).from(servers).innerJoin(users, eq(users.id, servers.userId));
  const holder = new Map(rows.flatMap((r) => r.ids.map((id) => [id, `${r.user}/${r.server}`] as const)));
  return {
    warm_pool: (spawner("docker") as DockerSpawner).pool?.status() ?? [],
    gpus: gpuInventory().map((d) => ({ index: d.index, id: d.id, name: d.name, memory_mb: d.memoryMb, held_by: holder.get(d.id) ?? null })),
  };
}
