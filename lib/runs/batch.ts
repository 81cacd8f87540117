import { eq } from "drizzle-orm";
import { dropLease, keepLease } from "../cluster/keeper";
import { batchRunLease } from "../notebook-sessions/owner";
import { getDb } from "../db";
import { type NotebookCell, type NotebookDoc, runs, users } from "../db/schema";
import { deleteKernel, startKernel } from "../execution/kernel/rest";
import { forgetMessageRunLater } from "../execution/message-runs";
import { fixedRun } from "../execution/observer";
import { executionRows, recorder } from "../execution/recorder";
import { sendExecution } from "../execution/send";
import { type FinishedExecution, KernelSession, type KernelTarget } from "../execution/session";
import { logger } from "../log";
import { logBatch } from "./log-batch";
import { withInjectedParameters, sourceText } from "./parameters";
import { isParameters, parameterNames, parametersInKernel } from "./run-parameters";

/** How long one cell of a whole-notebook run may take before the run is failed. */
const CELL_TIMEOUT_MS = 6 * 60 * 60 * 1000;

async function runCell(session: KernelSession, cell: NotebookCell): Promise<FinishedExecution> {
  const { record, finished } = await sendExecution(session, cell.id, sourceText(cell));
  return finished.finally(() => forgetMessageRunLater(record.msgId));
}

/** The run's params from its parameters cells, once they have run; a failure to ask is logged, never the run's. */
async function recordParameters(session: KernelSession, runId: number, userId: number, cells: NotebookCell[]): Promise<boolean> {
  try {
    const params = await parametersInKernel(session, parameterNames(cells));
    const db = await getDb();
    const owner = (await db.select().from(users).where(eq(users.id, userId)))[0];
    if (params.length && owner) await logBatch({ db, actor: { kind: "user", user: owner, via: "token" } }, runId, { params, metrics: [], tags: [] });
  } catch (e) {
    logger().warn({ err: e, run: runId }, "could not record a run's parameters");
  }
  return true;
}

/**
 * Executes a notebook top to bottom in a fresh kernel of the owner's server, as papermill:
 * parameters injected after the `parameters` cell, stop at the first error, every cell an
 * execution of the run, the executed notebook kept as the run's output. The kernel goes
 * at the end, whatever happened.
 */
export async function executeBatchRun(runId: number, notebookId: number, userId: number, source: NotebookDoc, params: Record<string, unknown>, t: KernelTarget) {
  const db = await getDb();
  const cells = withInjectedParameters(source, params);
  const output: NotebookDoc = { ...source, cells: cells.map((c) => (c.cell_type === "code" ? { ...c, outputs: [], execution_count: null } : c)) };
  let session: KernelSession | null = null;
  let status: "finished" | "failed" = "finished";
  let error: string | null = null;
  let recorded = false;
  // Held while this process drives the run: another replica ends it only once this one is gone (owner.ts).
  await keepLease(db, batchRunLease(runId), { force: true });
  try {
    await db.update(runs).set({ status: "running" }).where(eq(runs.id, runId));
    const kernelId = await startKernel(t);
    await db.update(runs).set({ kernelId }).where(eq(runs.id, runId));
    // Its executions' rows and its own run, which this function ends: no notebook view hears
    // it and the notebook's cells stay as they are (the run keeps its own output notebook).
    session = new KernelSession(notebookId, userId, t, kernelId, fixedRun(runId)).observe(executionRows);
    await session.connect();
    // After the last parameters cell has run, its values are the run's params.
    const lastParameters = output.cells.map((c) => c.cell_type === "code" && isParameters(c)).lastIndexOf(true);
    for (const [i, cell] of output.cells.entries()) {
      if (lastParameters >= 0 && i > lastParameters && !recorded) recorded = await recordParameters(session, runId, userId, output.cells);
      if (cell.cell_type !== "code" || !sourceText(cell).trim()) continue;
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`cell ${i + 1} ran longer than the run's cell timeout`)), CELL_TIMEOUT_MS).unref());
      const r = await Promise.race([runCell(session, cell), timeout]);
      output.cells[i] = { ...cell, outputs: r.outputs, execution_count: r.executionCount };
      if (r.status !== "ok") {
        status = "failed";
        error = r.error ? `Cell ${i + 1} raised ${r.error.ename}: ${r.error.evalue}` : `Cell ${i + 1} was aborted (the kernel died or was restarted)`;
        break;
      }
    }
    if (lastParameters >= 0 && !recorded && status === "finished") await recordParameters(session, runId, userId, output.cells);
  } catch (e) {
    status = "failed";
    error = (e as Error).message;
    logger().warn({ err: e, run: runId }, "whole-notebook run failed");
  } finally {
    session?.close();
    if (session) await deleteKernel(t, session.kernelId).catch(() => {});
    // Its cells' rows are written (the recorder batches them) before the run's end is.
    await recorder().settle().catch((e) => logger().warn({ err: e, run: runId }, "could not write a run's executions"));
    // The run ends whatever happens: without its output notebook if that cannot be stored.
    await db.update(runs).set({ status, error, output, endedAt: new Date() }).where(eq(runs.id, runId)).catch(async (e) => {
      logger().error({ err: e, run: runId }, "could not store a run's output notebook");
      const why = `Kiln could not store the executed notebook: ${(e as Error).message.split("\n")[0]}`;
      await db.update(runs).set({ status: "failed", error: error ? `${error}; ${why}` : why, endedAt: new Date() }).where(eq(runs.id, runId))
        .catch((e2) => logger().error({ err: e2, run: runId }, "could not record a run's end"));
    });
    // Only now: without the lease, the orphan sweep (owner.ts) would end a run whose cells'
    // rows still read running as one whose Kiln died, over the error it really had.
    await dropLease(db, batchRunLease(runId));
  }
}
