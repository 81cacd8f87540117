import { inArray, sql } from "drizzle-orm";
import type { Db } from "../db";
import { servers } from "../db/schema";
import { serversWithProxySockets } from "../proxy/forward";

/**
 * Each replica, each poll: servers it holds proxy WebSockets to were active now. The
 * culler runs on one replica only (the watch lease), and a client connected to another
 * replica is someone at work all the same: the database is where they meet.
 */
export async function recordProxyActivity(db: Db): Promise<void> {
  const ids = serversWithProxySockets();
  if (ids.length) await db.update(servers).set({ lastActivity: sql`now()` }).where(inArray(servers.id, ids));
}
