import { eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { sweepTrials } from "../db/schema";

/** GET /api/kernel/should-stop: true once the trial this token runs was pruned or cancelled. */
export async function shouldStop({ ctx }: { ctx: Ctx }) {
  const runId = ctx.actor?.kind === "user" ? ctx.actor.runId : null;
  if (!runId) return { stop: false };
  const [t] = await ctx.db.select({ status: sweepTrials.status }).from(sweepTrials).where(eq(sweepTrials.runId, runId));
  return { stop: t?.status === "pruned" || t?.status === "cancelled" };
}
