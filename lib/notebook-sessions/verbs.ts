import { and, eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { executions, type NotebookDoc, type NotebookRow, notebooks } from "../db/schema";
import { ConflictError, NotFoundError } from "../errors";
import { requireOwnNotebook, requireOwnNotebookId, requireUser } from "../notebooks/find";
import { recorder } from "../execution/recorder";
import { sendExecution } from "../execution/send";
import { storable } from "../execution/protocol";
import type { Sequenced } from "../execution/events";
import { kernelTarget } from "../execution/target";
import { currentSession, ensureSession, unwrittenCells } from "./sessions";

/** POST /api/notebooks/{id}/execute: stored as queued, then sent; outputs arrive on /events. */
export async function executeCell({ ctx, input }: { ctx: Ctx; input: { id: number; cellId: string; code: string } }) {
  const nb = await requireOwnNotebookId(ctx, input.id);
  return runCell(ctx.db, nb, input.cellId, input.code);
}

/**
 * Runs code for a cell of a notebook whose ownership the caller has checked (the POST
 * above, or a command channel that checked it when it opened).
 */
export async function runCell(db: Db, nb: { id: number; ownerId: number }, cellId: string, code: string) {
  const session = await ensureSession(db, nb.id, nb.ownerId);
  await session.readyAfterDeath();
  const { record: row } = await sendExecution(session, cellId, code);
  return {
    id: row.id, cell_id: row.cellId, status: row.status!, execution_count: null,
    queued_at: row.queuedAt!.toISOString(), started_at: null, ended_at: null,
  };
}

export async function kernelInfo({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const nb = await requireOwnNotebook(ctx, input.id);
  const t = await kernelTarget(ctx.db, nb.ownerId);
  const session = await currentSession(nb.id)?.catch(() => null);
  const live = session && !session.closed && t && session.target.serverId === t.serverId ? session : null;
  return {
    state: live ? live.state : ("none" as const),
    kernel_id: live?.kernelId ?? null,
    reason: live?.reason ?? (t ? null : "No server is running: start one to run cells"),
    server: t ? { ready: true, image: t.image, cpu: t.cpu, memory_mb: t.memoryMb, gpus: t.gpus } : null,
  };
}

export async function interruptKernel({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const nb = await requireOwnNotebook(ctx, input.id);
  const s = await currentSession(nb.id)?.catch(() => null);
  if (!s || s.closed) throw new ConflictError("This notebook has no kernel running");
  await s.interrupt();
  return kernelInfo({ ctx, input });
}

export async function restartKernel({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const nb = await requireOwnNotebook(ctx, input.id);
  const s = await ensureSession(ctx.db, nb.id, nb.ownerId);
  await s.restart();
  return kernelInfo({ ctx, input });
}

export async function answerInput({ ctx, input }: { ctx: Ctx; input: { id: number; value: string } }) {
  const nb = await requireOwnNotebook(ctx, input.id);
  const s = await currentSession(nb.id)?.catch(() => null);
  if (!s?.answerInput(input.value)) throw new ConflictError("No input() prompt is waiting");
}

/**
 * The stored notebook with what running cells printed so far: a view opened mid-run shows
 * it, then the event stream carries on from there.
 */
export async function withLiveOutputs(nb: NotebookRow): Promise<NotebookDoc> {
  const s = await currentSession(nb.id)?.catch(() => null);
  const unwritten = s && unwrittenCells(s);
  if (!s || (s.live.size === 0 && !unwritten?.holdsAny)) return nb.content;
  const running = new Map([...s.live.values()].map((e) => [e.cellId, e]));
  return {
    ...nb.content,
    cells: nb.content.cells.map((c) => {
      if (c.cell_type !== "code") return c;
      const e = running.get(c.id);
      if (e) return { ...c, outputs: storable(e.outputs), execution_count: null };
      const done = unwritten?.unwritten(c.id); // finished a moment ago, not yet written
      // (with the execution it came from, as the cell writer will store it: a view compares ids)
      return done ? { ...c, outputs: done.outputs as typeof c.outputs, execution_count: done.executionCount, metadata: { ...c.metadata, kiln: { execution_id: done.executionId } } } : c;
    }),
  };
}

/** For a fresh view: the kernel's state and the events of executions still running (from their start). */
export function replayForNewView(log: Sequenced[]): Sequenced[] {
  const live = new Set<number>();
  const ended = new Set<number>();
  for (const { event } of log) {
    if (event.type === "execution") (event.status === "queued" || event.status === "running" ? live : ended).add(event.execution_id);
  }
  const running = new Set([...live].filter((id) => !ended.has(id)));
  const keep = log.filter(({ event }) => "execution_id" in event && running.has(event.execution_id));
  const kernel = log.findLast(({ event }) => event.type === "kernel");
  return kernel ? [kernel, ...keep] : keep;
}

/** One output of an execution in full, as text: what the page truncates. */
export async function executionOutput({ ctx, input }: { ctx: Ctx; input: { id: number; index: number } }) {
  const user = requireUser(ctx);
  await recorder().settle();
  const [row] = await ctx.db
    .select({ outputs: executions.outputs, notebookId: executions.notebookId })
    .from(executions)
    .innerJoin(notebooks, eq(notebooks.id, executions.notebookId))
    .where(and(eq(executions.id, input.id), eq(notebooks.ownerId, user.id)));
  const live = row ? [...((await currentSession(row.notebookId)?.catch(() => null))?.live.values() ?? [])].find((e) => e.id === input.id) : undefined;
  const outputs = (live ? storable(live.outputs) : row?.outputs) as Record<string, unknown>[] | undefined;
  const o = outputs?.[input.index];
  if (!o) throw new NotFoundError("No such output");
  if (o.output_type === "stream") return String(o.text);
  if (o.output_type === "error") return [`${o.ename}: ${o.evalue}`, ...((o.traceback as string[]) ?? [])].join("\n");
  const data = (o.data ?? {}) as Record<string, unknown>;
  const text = data["text/plain"];
  return Array.isArray(text) ? text.join("") : String(text ?? JSON.stringify(data, null, 2));
}
