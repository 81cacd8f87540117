import crypto from "node:crypto";
import type { Db } from "../db";
import { executions, type ExecutionRow } from "../db/schema";
import { rememberMessageRun } from "./message-runs";
import type { KernelSession } from "./session";

/**
 * Sends code to a session's kernel as an execution of its run. The execute_request leaves
 * first; the executions row is written while the kernel works (`stored`).
 */
export async function sendExecution(db: Db, session: KernelSession, cellId: string, code: string): Promise<{ msgId: string; stored: Promise<ExecutionRow> }> {
  const msgId = crypto.randomUUID();
  const runId = await session.run;
  rememberMessageRun(msgId, runId, session.userId); // the kiln module may log before the row exists
  const stored = db
    .insert(executions)
    .values({ notebookId: session.notebookId, userId: session.userId, runId, cellId, kernelId: session.kernelId, msgId, code, status: "queued" })
    .returning()
    .then((rows) => rows[0]!);
  session.execute({ id: stored.then((r) => r.id), msgId, cellId, code });
  return { msgId, stored };
}
