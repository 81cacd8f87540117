import { getConfig } from "../config";
import type { Db } from "../db";
import type { ServerRow } from "../db/schema";
import { logger } from "../log";
import { effectiveQuota, gpuHoursThisMonth } from "./quotas";

/** Servers already warned this month that their user's GPU-hours are used up. */
const warned = new Set<string>();

/**
 * Servers holding GPUs whose user has used up the month's GPU-hours while they ran: warned
 * once at the quota (`warn`), stopped once past it by KILN_GPU_QUOTA_GRACE hours (returned,
 * with the reason). A quota is checked at each start too; this is for the ones running.
 */
export async function overGpuQuota(db: Db, rows: ServerRow[], warn: (row: ServerRow, message: string) => void): Promise<{ server: ServerRow; reason: string }[]> {
  const grace = getConfig().servers.gpuQuotaGraceHours;
  const out: { server: ServerRow; reason: string }[] = [];
  const byUser = new Map<number, { used: number; limit: number | null; source: string }>();
  for (const row of rows) {
    if (!row.gpuIds.length) continue;
    let u = byUser.get(row.userId);
    if (!u) {
      const q = await effectiveQuota(db, row.userId);
      u = { used: q.maxGpuHours === null ? 0 : await gpuHoursThisMonth(db, row.userId), limit: q.maxGpuHours, source: q.source };
      byUser.set(row.userId, u);
    }
    if (u.limit === null || u.used < u.limit) continue;
    // Warned once, and always before a stop: a check that comes only after the grace too
    // (a busy machine, a short grace) still tells the user first.
    const key = `${row.id}:${new Date().toISOString().slice(0, 7)}`;
    if (!warned.has(key)) {
      warned.add(key);
      warn(row, `GPU-hours quota reached: ${u.used.toFixed(2)} of ${u.limit} used this month (${u.source}); the server stops at ${u.limit + grace}`);
    }
    if (u.used >= u.limit + grace) {
      logger().warn({ server: row.id, user: row.userId, used: u.used, limit: u.limit }, "GPU-hours quota exceeded past its grace: stopping");
      out.push({ server: row, reason: `${u.source} allows ${u.limit} GPU-hours a month; ${u.used.toFixed(2)} used, past the ${grace} h grace` });
    }
  }
  return out;
}
