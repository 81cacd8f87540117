import { asc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { executions, type NotebookDoc, runInputs, runs } from "../db/schema";
import { ConflictError, ForbiddenError, NoServerError } from "../errors";
import { kernelTarget } from "../execution/target";
import { recorder } from "../execution/recorder";
import { logger } from "../log";
import { requireOwnNotebook, requireUser } from "../notebooks/find";
import { requireReadableRun } from "./access";
import { executeBatchRun } from "./batch";
import { serverImageDigest } from "./lifecycle";
import { runModels } from "./serialize";

async function serverOf(ctx: Ctx, userId: number) {
  const t = await kernelTarget(ctx.db, userId);
  if (!t) throw new NoServerError("Start your server first: the run's kernel runs on it");
  return t;
}

async function begin(ctx: Ctx, o: { ownerId: number; notebookId: number | null; name: string; revision: number; source: NotebookDoc; params: Record<string, unknown>; reproduces?: number }) {
  const t = await serverOf(ctx, o.ownerId);
  const digest = await serverImageDigest(t);
  const [row] = await ctx.db
    .insert(runs)
    .values({
      ownerId: o.ownerId, notebookId: o.notebookId, notebookName: o.name, notebookRevision: o.revision, kind: "batch", status: "queued",
      reproducesId: o.reproduces ?? null, serverId: t.serverId, image: t.image, imageDigest: digest, source: o.source, injected: o.params,
      resources: { cpu: t.cpu, memory_mb: t.memoryMb, gpus: t.gpus, gpu_ids: t.gpuIds },
    })
    .returning();
  return { row: row!, target: t };
}

function launch(row: typeof runs.$inferSelect, t: Awaited<ReturnType<typeof serverOf>>) {
  void executeBatchRun(row.id, row.notebookId ?? 0, row.ownerId, row.source!, row.injected, t).catch((e) => logger().error({ err: e, run: row.id }, "whole-notebook run crashed"));
}

/** POST /api/notebooks/{id}/runs: "Run as experiment", the saved notebook top to bottom in a fresh kernel. */
export async function runNotebook({ ctx, input }: { ctx: Ctx; input: { id: number; params: Record<string, unknown> } }) {
  const nb = await requireOwnNotebook(ctx, input.id);
  const { row, target } = await begin(ctx, { ownerId: nb.ownerId, notebookId: nb.id, name: nb.name, revision: nb.revision, source: nb.content, params: input.params });
  launch(row, target);
  return (await runModels(ctx.db, [row]))[0]!;
}

/** The code a run executed, as a notebook: a batch run's source, or an interactive run's cells in order. */
async function codeOf(ctx: Ctx, run: typeof runs.$inferSelect): Promise<NotebookDoc> {
  if (run.source) return run.source;
  await recorder().settle();
  const cells = await ctx.db.select().from(executions).where(eq(executions.runId, run.id)).orderBy(asc(executions.id));
  return {
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: cells
      .filter((c) => c.status === "ok" || c.status === "error")
      .map((c, i) => ({ id: `c${i + 1}`, cell_type: "code" as const, source: c.code, metadata: {}, outputs: [], execution_count: null })),
  };
}

/**
 * POST /api/runs/{id}/reproduce: the same code, on the same image (by digest: refused with
 * both digests named when the owner's server runs another), reading the same dataset
 * versions (the pins are copied, so `kiln.dataset(name)` resolves to them).
 */
export async function reproduceRun({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const me = requireUser(ctx);
  const orig = await requireReadableRun(ctx, input.id);
  if (orig.ownerId !== me.id) throw new ForbiddenError("Only the run's owner can reproduce it (it runs on their server, with their data)");
  const t = await serverOf(ctx, me.id);
  const digest = await serverImageDigest(t);
  if (orig.imageDigest && digest !== orig.imageDigest)
    throw new ConflictError(`Run ${orig.id} ran on image ${orig.image} (${orig.imageDigest}); your server runs ${t.image} (${digest || "unknown"}). Start a server with that image to reproduce it.`, "image");
  const source = await codeOf(ctx, orig);
  const { row, target } = await begin(ctx, {
    ownerId: me.id, notebookId: orig.notebookId, name: orig.notebookName, revision: orig.notebookRevision, source, params: orig.injected, reproduces: orig.id,
  });
  const pins = await ctx.db.select().from(runInputs).where(inArray(runInputs.runId, [orig.id]));
  if (pins.length) await ctx.db.insert(runInputs).values(pins.map((p) => ({ runId: row.id, datasetId: p.datasetId, versionId: p.versionId })));
  launch(row, target);
  return (await runModels(ctx.db, [row]))[0]!;
}
