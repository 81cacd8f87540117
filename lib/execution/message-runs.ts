/**
 * Which run a kernel message belongs to, known the moment the execute_request leaves (its
 * executions row is written meanwhile): the `kiln` module may log before that row exists.
 * Entries go a while after the execution ends; the row answers after that.
 */
const KEY = Symbol.for("kiln.messageRuns");
type G = typeof globalThis & { [KEY]?: Map<string, { runId: number; userId: number }> };
const table = () => ((globalThis as G)[KEY] ??= new Map());
const KEEP_MS = 60_000;

export function rememberMessageRun(msgId: string, runId: number, userId: number) {
  table().set(msgId, { runId, userId });
}

export function forgetMessageRunLater(msgId: string) {
  setTimeout(() => table().delete(msgId), KEEP_MS).unref();
}

export function messageRun(msgId: string): { runId: number; userId: number } | undefined {
  return table().get(msgId);
}
