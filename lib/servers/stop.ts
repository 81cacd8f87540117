import { eq } from "drizzle-orm";
import { type Ctx, requireSelfOrAdmin } from "../auth/principal";
import type { Db } from "../db";
import { servers, type ServerRow } from "../db/schema";
import { NotFoundError } from "../errors";
import { endRunsOfServer } from "../runs/lifecycle";
import { spawner } from "../spawners/registry";
import { requireUserByName } from "../users/find";
import { findServer } from "./find";
import { emitProgress, progressKey } from "./progress";
import { releaseGpus } from "../gpus/allocator";
import { holdTransition } from "./transition-lease";

/** Stops the container and forgets the server; the user's volume stays. */
export async function stopServerRow(db: Db, row: ServerRow): Promise<void> {
  // Held while it stops, so a watch on another replica does not take the stopping row for an orphan.
  const lease = await holdTransition(db, row.userId, row.name, true);
  try {
    await db.update(servers).set({ status: "stopping" }).where(eq(servers.id, row.id));
    await spawner(row.spawner).stop(row.state);
    await db.delete(servers).where(eq(servers.id, row.id));
    await releaseGpus(db, { kind: "server", id: String(row.id) }, "stopped");
    await endRunsOfServer(db, row.id, "The server was stopped");
    emitProgress(progressKey(row.userId, row.name), { progress: 100, message: "Server stopped", failed: true });
  } finally {
    await lease?.release();
  }
}

export async function stopServer({ ctx, input }: { ctx: Ctx; input: { name: string; serverName: string } }): Promise<void> {
  requireSelfOrAdmin(ctx.actor, input.name);
  const user = await requireUserByName(ctx.db, input.name);
  const row = await findServer(ctx.db, user.id, input.serverName);
  if (!row) throw new NotFoundError(`${input.serverName ? `Server ${input.serverName}` : "The default server"} is not running`);
  await stopServerRow(ctx.db, row);
}
