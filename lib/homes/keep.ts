import { and, isNotNull, lte, eq } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db";
import { homeArchives, type UserRow } from "../db/schema";
import { logger } from "../log";
import { spawner } from "../spawners/registry";

/** What becomes of a deleted user's files: deleted after the grace period (the default), or archived. */
export type HomeFate = "delete" | "archive";

const SPAWNERS = ["docker", "local", "swarm"] as const;

/** Each home a user has (a volume, a directory), with the spawner that made it. */
export async function homesOf(user: UserRow): Promise<{ spawner: string; location: string }[]> {
  const found = [];
  for (const kind of SPAWNERS) {
    // A spawner this process cannot make (no deployment id outside a server) has no homes to find.
    const location = await Promise.resolve()
      .then(() => spawner(kind).homeOf({ id: user.id, name: user.name, legacyHome: user.legacyHome }))
      .catch(() => null);
    if (location) found.push({ spawner: kind, location });
  }
  return found;
}

/**
 * A user is being deleted: their homes are recorded, to be deleted once KILN_HOME_GRACE_DAYS
 * have passed, or kept as an archive. Homes are named by user id, so nobody else is ever
 * given these files meanwhile (a new account with the same name starts empty).
 */
export async function keepHomes(db: Db, user: UserRow, homes: { spawner: string; location: string }[], fate: HomeFate): Promise<void> {
  const purgeAfter = fate === "delete" ? new Date(Date.now() + getConfig().servers.homeGraceDays * 86_400_000) : null;
  if (homes.length) await db.insert(homeArchives).values(homes.map((h) => ({ ...h, userId: user.id, userName: user.name, mode: fate, purgeAfter })));
}

async function purge(db: Db, row: typeof homeArchives.$inferSelect) {
  await spawner(row.spawner).deleteHome(row.location);
  await db.delete(homeArchives).where(eq(homeArchives.id, row.id));
  logger().info({ user: row.userName, home: row.location }, "a deleted user's home was deleted");
}

/** Homes whose grace period is over are deleted (from the server poll). */
export async function purgeDueHomes(db: Db): Promise<void> {
  const due = await db.select().from(homeArchives).where(and(isNotNull(homeArchives.purgeAfter), lte(homeArchives.purgeAfter, new Date())));
  for (const row of due) await purge(db, row).catch((e) => logger().warn({ err: e, home: row.location }, "could not delete a deleted user's home"));
}

export async function purgeHome(db: Db, row: typeof homeArchives.$inferSelect): Promise<void> {
  await purge(db, row);
}
