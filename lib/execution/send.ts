import crypto from "node:crypto";
import { rememberMessageRun } from "./message-runs";
import { type ExecutionRecord, recorder } from "./recorder";
import type { FinishedExecution, KernelSession } from "./session";

/**
 * Sends code to a session's kernel as an execution of its run. The execute_request leaves
 * at once with its id reserved; the row is written by the recorder soon after. `finished`
 * resolves at the execution's end.
 */
export async function sendExecution(session: KernelSession, cellId: string, code: string): Promise<{ record: ExecutionRecord; finished: Promise<FinishedExecution> }> {
  const msgId = crypto.randomUUID();
  const [runId, id] = await Promise.all([session.runId(), recorder().reserveId()]);
  rememberMessageRun(msgId, runId, session.userId); // the kiln module may log before the row is written
  const record: ExecutionRecord = {
    id, notebookId: session.notebookId, userId: session.userId, runId, cellId, kernelId: session.kernelId, msgId, code,
    status: "queued", outputs: [], executionCount: null, error: null, queuedAt: new Date(), startedAt: null, endedAt: null,
  };
  return { record, finished: session.execute(record) };
}
