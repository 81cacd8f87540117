import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db";
import { type ExecutionRow, executions, runs } from "../db/schema";
import { logger } from "../log";
import { endRun } from "../runs/lifecycle";
import { CellWriter } from "../execution/cell-writer";
import { deleteKernel, kernelExecutionState, kernelExists } from "../execution/kernel/rest";
import { recorder } from "../execution/recorder";
import type { KernelSession, KernelTarget } from "../execution/session";
import { kernelTarget } from "../execution/target";
import { adoptSession, notebookSession } from "./sessions";

/** How often a resumed session asks whether its kernel is idle with cells still unfinished. */
const WATCH_MS = 2000;

const OPEN = ["queued", "running"] as const;

/**
 * Cells a previous owner of the notebook left running (a Kiln stopped, killed, or another
 * replica that died: owner.ts decides when): the notebook's session is opened again with the
 * same Jupyter session id, so Jupyter replays what the kernel sent meanwhile, and the cells
 * finish as if nothing happened. Cells whose kernel is gone end with the reason instead:
 * nothing stays "running" for ever. The adopted cells' outputs so far are published first, so
 * a view reset by the new owner rebuilds them from their start.
 */
export async function resumeNotebook(db: Db, notebookId: number): Promise<void> {
  const rows = await db.select().from(executions).where(and(eq(executions.notebookId, notebookId), inArray(executions.status, [...OPEN])));
  const groups = new Map<string, ExecutionRow[]>();
  for (const r of rows) groups.set(r.kernelId, [...(groups.get(r.kernelId) ?? []), r]);
  let resumed = false;
  for (const list of groups.values()) {
    const first = list[0]!;
    const [run] = first.runId ? await db.select().from(runs).where(eq(runs.id, first.runId)) : [];
    if (run?.kind === "batch") continue; // its driver's: endOrphanedBatchRuns
    const target = await kernelTarget(db, first.userId);
    const alive = run?.status === "running" && target && !resumed && (await kernelExists(target, first.kernelId).catch(() => false));
    if (!alive || !first.kernelSession) {
      await giveUp(db, list, "The kernel was gone when Kiln took this notebook over: this cell's end is unknown", true);
      continue;
    }
    resumed = true;
    const session = notebookSession({ notebookId, userId: first.userId, kernelId: first.kernelId, target }, run.id, first.kernelSession);
    session.adopt(list);
    const opening = session.connect().then(() => session);
    adoptSession(notebookId, opening);
    opening
      .then(() => watchLostEnds(session, target, list.map((r) => r.msgId)))
      .catch(async (e) => {
        logger().warn({ err: e, notebook: notebookId }, "could not resume a notebook's running cells");
        await giveUp(db, list, "Kiln could not reconnect to the kernel: this cell's end is unknown", true);
      });
  }
}

/** Whole-notebook runs whose driver died with its Kiln: ended, with the reason, their kernel deleted. */
export async function endOrphanedBatchRuns(db: Db, driverAlive: (runId: number) => Promise<boolean>): Promise<void> {
  const rows = await db
    .select({ execution: executions })
    .from(executions)
    .innerJoin(runs, eq(runs.id, executions.runId))
    .where(and(inArray(executions.status, [...OPEN]), eq(runs.kind, "batch")));
  const byRun = new Map<number, ExecutionRow[]>();
  for (const { execution: r } of rows) byRun.set(r.runId!, [...(byRun.get(r.runId!) ?? []), r]);
  for (const [runId, list] of byRun) {
    if (await driverAlive(runId)) continue;
    await endRun(db, runId, "failed", "Kiln stopped during this whole-notebook run; run it again");
    const target = await kernelTarget(db, list[0]!.userId);
    if (target) await deleteKernel(target, list[0]!.kernelId).catch(() => {});
    await giveUp(db, list, "Kiln stopped during this whole-notebook run", false);
  }
}

/** Ends executions with the reason, in their rows and (interactive) in the notebook. */
async function giveUp(db: Db, list: ExecutionRow[], why: string, intoNotebook: boolean) {
  const note = { output_type: "stream", name: "stderr", text: `\n[${why}]\n` };
  const cells = intoNotebook ? new CellWriter(list[0]!.notebookId) : null;
  for (const r of list) {
    const outputs = [...(r.outputs ?? []), note];
    recorder().record({ ...r, status: "error", outputs, error: { ename: "KilnRestarted", evalue: why }, endedAt: new Date() });
    cells?.add({ executionId: r.id, cellId: r.cellId, outputs, executionCount: r.executionCount });
  }
  await Promise.all([recorder().settle(), cells?.flush()]);
  const runIds = [...new Set(list.map((r) => r.runId).filter((x): x is number => !!x))];
  if (runIds.length) await db.update(runs).set({ status: "finished", endedAt: new Date() }).where(and(inArray(runs.id, runIds), eq(runs.kind, "interactive"), eq(runs.status, "running")));
}

/**
 * A cell whose last messages reached the Kiln that died but were never read (a kill between
 * Jupyter's send and Kiln's read) would wait for ever: once the kernel has been idle for two
 * checks in a row, whatever of these cells is still open is ended with the reason.
 */
function watchLostEnds(session: KernelSession, t: KernelTarget, msgIds: string[]) {
  let idleChecks = 0;
  const timer = setInterval(async () => {
    const open = msgIds.filter((id) => session.live.has(id));
    if (session.closed || open.length === 0) return clearInterval(timer);
    const state = await kernelExecutionState(t, session.kernelId);
    idleChecks = state === "idle" ? idleChecks + 1 : 0;
    if (idleChecks >= 2) {
      clearInterval(timer);
      session.abandon(open, "Kiln restarted while this cell ran, and its last messages were lost");
    }
  }, WATCH_MS);
  timer.unref();
}
