import type { Database, Db } from "../../db";
import { logger } from "../../log";
import { Queue } from "../queue";

/** pg-boss's queue of step runs ready to execute: `{ stepRunId }`, claimed by whichever Kiln fetches it. */
export const STEP_QUEUE = "kiln-steps";

const KEY = Symbol.for("kiln.pipelineQueue");
type G = typeof globalThis & { [KEY]?: Promise<Queue> };

/** This process's queue, opened once over its database. */
export function openPipelineQueue(database: Database): Promise<Queue> {
  const g = globalThis as G;
  return (g[KEY] ??= (async () => {
    const q = await Queue.open(database);
    await q.ensure(STEP_QUEUE, { retryLimit: 0 });
    return q;
  })());
}

export function pipelineQueue(): Promise<Queue> | undefined {
  return (globalThis as G)[KEY];
}

/**
 * Sends step runs to the queue (after the transaction that queued them has committed).
 * Without a queue in this process (it never started one) the sweep of another Kiln finds
 * them: queued steps whose time has come are sent again, and a claim runs each once.
 */
export async function enqueueSteps(_db: Db, ids: number[], startAfter?: Date): Promise<void> {
  const q = pipelineQueue();
  if (!q) return;
  const queue = await q;
  for (const id of ids)
    await queue.send(STEP_QUEUE, { stepRunId: id }, startAfter ? { startAfter } : {}).catch((e) => logger().warn({ err: e, stepRun: id }, "could not queue a step (the sweep will)"));
}
