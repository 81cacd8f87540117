import { and, eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { executions, runs } from "../db/schema";
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from "../errors";
import { messageRun } from "../execution/message-runs";
import { recorder } from "../execution/recorder";
import { runOfKernel } from "./foreign-kernel";

const HEADER = "x-kiln-execution";

/** The msg_id the `kiln` module sent (X-Kiln-Execution), or null when the request has none. */
export function executionHeader(req: Request): string | null {
  const v = req.headers.get(HEADER);
  if (v === null) return null;
  if (!/^[\w.:-]{1,200}$/.test(v)) throw new ValidationError("X-Kiln-Execution: not a kernel message id", "X-Kiln-Execution");
  return v;
}

/**
 * The run of the cell whose execute_request had this msg_id, if it is the caller's own and
 * still running. The `kiln` module never names a run: it always writes to the run of the
 * running cell, and a run that has ended (a restart, the end of a batch run) takes no more
 * writes through its old execution ids (409).
 */
export async function runOfExecution(ctx: Ctx, msgId: string, kernelId: string | null = null): Promise<number> {
  const runId = await findRunOfExecution(ctx, msgId, kernelId);
  await refuseEndedRun(ctx, runId);
  return runId;
}

async function refuseEndedRun(ctx: Ctx, runId: number) {
  const [run] = await ctx.db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  if (!run) throw new NotFoundError(`No such run: ${runId}`);
  if (run.status !== "running")
    throw new ConflictError(`Run ${runId} has ended (${run.status}): it takes no more params, metrics, tags, artifacts or data pins. Run the cell again to log into the current run.`);
}

async function findRunOfExecution(ctx: Ctx, msgId: string, kernelId: string | null): Promise<number> {
  if (ctx.actor?.kind !== "user") throw new UnauthorizedError();
  // A pipeline step's token writes to its step's run, whatever execution id it sends.
  if (ctx.actor.runId) return ctx.actor.runId;
  const userId = ctx.actor.user.id;
  const live = messageRun(msgId);
  if (live) {
    if (live.userId !== userId) throw new NotFoundError("No cell of yours is running with this X-Kiln-Execution id");
    return live.runId;
  }
  await recorder().settle();
  const [row] = await ctx.db
    .select({ runId: executions.runId })
    .from(executions)
    .where(and(eq(executions.msgId, msgId), eq(executions.userId, userId)));
  if (row?.runId) return row.runId;
  // Not a cell Kiln sent: another Jupyter client's, in a kernel the kiln module names.
  if (kernelId) return runOfKernel(ctx, kernelId);
  throw new NotFoundError("No cell of yours is running with this X-Kiln-Execution id");
}

/** X-Kiln-Kernel: the kernel the kiln module runs in (its id), or null. */
export function kernelHeader(req: Request): string | null {
  const v = req.headers.get("x-kiln-kernel");
  return v && /^[0-9a-fA-F-]{36}$/.test(v) ? v : null;
}

/** For routes that also serve clients outside a kernel: the run when the header is there, else null. */
export async function optionalRunOfRequest(ctx: Ctx, req: Request): Promise<number | null> {
  const msgId = executionHeader(req);
  return msgId ? runOfExecution(ctx, msgId, kernelHeader(req)) : null;
}
