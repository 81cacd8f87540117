import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../db";
import { trialLogs } from "../db/schema";

export function readStepLogRows(db: Db, trialId: number, after: number, limit = 500) {
  return db.select({ id: trialLogs.id, attempt: trialLogs.attempt, data: trialLogs.data }).from(trialLogs).where(and(eq(trialLogs.trialId, trialId), gt(trialLogs.id, after))).orderBy(asc(trialLogs.id)).limit(limit);
}
