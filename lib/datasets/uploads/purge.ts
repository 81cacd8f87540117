import { lt } from "drizzle-orm";
import type { Db } from "../../db";
import { datasetUploads } from "../../db/schema";

export const STALE_UPLOAD_MS = 24 * 3600_000;

/** Deletes uploads started more than 24 h ago and never committed; returns how many. Call it periodically. */
export async function purgeStaleUploads(db: Db, now = Date.now()): Promise<number> {
  const gone = await db.delete(datasetUploads).where(lt(datasetUploads.createdAt, new Date(now - STALE_UPLOAD_MS))).returning({ id: datasetUploads.id });
  return gone.length;
}
