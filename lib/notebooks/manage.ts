import { and, desc, eq, ilike, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { notebookRevisions, notebooks, type NotebookDoc, type NotebookRow } from "../db/schema";
import { ConflictError, isUniqueViolation, NotFoundError } from "../errors";
import { notebookSaved } from "../notebook-sessions/saved";
import { settleNotebook } from "../notebook-sessions/sessions";
import { mergeEditedCells, newNotebook, withUniqueIds } from "./doc";
import { requireOwnNotebook, requireOwnNotebookId, requireUser } from "./find";
import type { createBody, listQuery, saveBody } from "./schemas";
import { notebookModel, notebookSummary } from "./serialize";
import { assertValidNotebook } from "./validate";

/** A revision is kept at most this often while someone types (autosave saves every second or so). */
const REVISION_EVERY_MS = 5 * 60_000;
const KEEP_DELETED_MS = 30 * 24 * 3600_000;

export const nameTaken = (name: string) => new ConflictError(`You already have a notebook named "${name}"`, "name");

export async function insert(db: Db, ownerId: number, name: string, content: NotebookDoc): Promise<NotebookRow> {
  try {
    const [row] = await db.insert(notebooks).values({ ownerId, name, content }).returning();
    return row!;
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(name);
    throw e;
  }
}

export async function listNotebooks({ ctx, input }: { ctx: Ctx; input: z.output<typeof listQuery> }) {
  const user = requireUser(ctx);
  // Deleted notebooks are kept 30 days; whoever lists their notebooks purges their own expired ones.
  await ctx.db.delete(notebooks).where(and(eq(notebooks.ownerId, user.id), lt(notebooks.deletedAt, new Date(Date.now() - KEEP_DELETED_MS))));
  const rows = await ctx.db
    .select()
    .from(notebooks)
    .where(
      and(
        eq(notebooks.ownerId, user.id),
        input.deleted === "1" ? isNotNull(notebooks.deletedAt) : isNull(notebooks.deletedAt),
        input.q ? ilike(notebooks.name, `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
      ),
    )
    .orderBy(desc(notebooks.updatedAt));
  return rows.map(notebookSummary);
}

export async function createNotebook({ ctx, input }: { ctx: Ctx; input: z.output<typeof createBody> }) {
  const user = requireUser(ctx);
  const content = withUniqueIds(input.cells?.length ? newNotebook(mergeEditedCells([], input.cells)) : newNotebook());
  assertValidNotebook(content);
  return notebookModel(await insert(ctx.db, user.id, input.name, content));
}

export async function saveNotebook(args: { ctx: Ctx; input: { id: number; patch: z.output<typeof saveBody> } }) {
  const saved = await saveInTransaction(args);
  if (args.input.patch.cells || args.input.patch.metadata) notebookSaved(saved.id, saved.revision);
  return saved;
}

async function saveInTransaction({ ctx, input }: { ctx: Ctx; input: { id: number; patch: z.output<typeof saveBody> } }) {
  const { id, patch } = input;
  return ctx.db.transaction(async (tx) => {
    const txCtx = { ...ctx, db: tx as unknown as Db };
    const row = await requireOwnNotebook(txCtx, id);
    const [locked] = await tx.select().from(notebooks).where(eq(notebooks.id, row.id)).for("update");
    const current = locked!;
    const set: Partial<NotebookRow> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.cells || patch.metadata) {
      if (patch.revision === undefined) throw new ConflictError("A save must name the revision it edited", "revision");
      if (patch.revision !== current.revision)
        throw new ConflictError(`The notebook was saved elsewhere since revision ${patch.revision} (now ${current.revision}); reload it`, "revision");
      const content = withUniqueIds({
        ...current.content,
        metadata: patch.metadata ?? current.content.metadata,
        cells: patch.cells ? mergeEditedCells(current.content.cells, patch.cells) : current.content.cells,
      });
      assertValidNotebook(content);
      await snapshotIfDue(tx as unknown as Db, current, "autosave");
      set.content = content;
      set.revision = current.revision + 1;
    }
    try {
      const [saved] = await tx.update(notebooks).set(set).where(eq(notebooks.id, current.id)).returning();
      return notebookModel(saved!);
    } catch (e) {
      if (isUniqueViolation(e)) throw nameTaken(patch.name!);
      throw e;
    }
  });
}

/** Keeps the content being replaced as a revision, unless one was kept in the last few minutes. */
async function snapshotIfDue(db: Db, row: NotebookRow, reason: "autosave" | "before-restore", force = false) {
  if (!force) {
    const [last] = await db
      .select({ at: notebookRevisions.createdAt })
      .from(notebookRevisions)
      .where(eq(notebookRevisions.notebookId, row.id))
      .orderBy(desc(notebookRevisions.createdAt))
      .limit(1);
    if (last && Date.now() - last.at.getTime() < REVISION_EVERY_MS) return;
  }
  await db.insert(notebookRevisions).values({ notebookId: row.id, revision: row.revision, content: row.content, reason });
}

export async function deleteNotebook({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const row = await requireOwnNotebook(ctx, input.id);
  await ctx.db.update(notebooks).set({ deletedAt: new Date() }).where(eq(notebooks.id, row.id));
}

export async function undeleteNotebook({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const row = await requireOwnNotebook(ctx, input.id, { deleted: true });
  try {
    const [back] = await ctx.db.update(notebooks).set({ deletedAt: null, updatedAt: new Date() }).where(eq(notebooks.id, row.id)).returning();
    return notebookModel(back!);
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(row.name);
    throw e;
  }
}

export async function duplicateNotebook({ ctx, input }: { ctx: Ctx; input: { id: number; name?: string } }) {
  const row = await requireOwnNotebook(ctx, input.id);
  const user = requireUser(ctx);
  if (input.name) return notebookModel(await insert(ctx.db, user.id, input.name, row.content));
  return notebookModel(await insertCopy(ctx.db, user.id, row.name, row.content));
}

/** Stored as "<name> copy", "<name> copy 2", ...: the first free one. */
export async function insertCopy(db: Db, ownerId: number, base: string, content: NotebookDoc): Promise<NotebookRow> {
  for (let n = 1; n < 100; n++) {
    try {
      return await insert(db, ownerId, `${base} copy${n > 1 ? ` ${n}` : ""}`, content);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  throw nameTaken(`${base} copy`);
}

export async function listRevisions({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  const row = await requireOwnNotebook(ctx, input.id);
  const revs = await ctx.db
    .select({
      id: notebookRevisions.id, revision: notebookRevisions.revision, reason: notebookRevisions.reason, createdAt: notebookRevisions.createdAt,
      cells: sql<number>`jsonb_array_length(${notebookRevisions.content}->'cells')`,
    })
    .from(notebookRevisions)
    .where(eq(notebookRevisions.notebookId, row.id))
    .orderBy(desc(notebookRevisions.createdAt), desc(notebookRevisions.id));
  return revs.map((r) => ({ id: r.id, revision: r.revision, reason: r.reason, created_at: r.createdAt.toISOString(), cells: Number(r.cells) }));
}

/** The current content is kept as a revision first, so a restore can itself be undone. */
export async function restoreRevision(args: { ctx: Ctx; input: { id: number; revisionId: number } }) {
  const restored = await restoreInTransaction(args);
  notebookSaved(restored.id, restored.revision);
  return restored;
}

async function restoreInTransaction({ ctx, input }: { ctx: Ctx; input: { id: number; revisionId: number } }) {
  return ctx.db.transaction(async (tx) => {
    const row = await requireOwnNotebook({ ...ctx, db: tx as unknown as Db }, input.id);
    const [rev] = await tx
      .select()
      .from(notebookRevisions)
      .where(and(eq(notebookRevisions.id, input.revisionId), eq(notebookRevisions.notebookId, row.id)));
    if (!rev) throw new NotFoundError(`No such revision: ${input.revisionId}`);
    await snapshotIfDue(tx as unknown as Db, row, "before-restore", true);
    const [saved] = await tx
      .update(notebooks)
      .set({ content: rev.content, revision: row.revision + 1, updatedAt: new Date() })
      .where(eq(notebooks.id, row.id))
      .returning();
    return notebookModel(saved!);
  });
}

export async function clearOutputs({ ctx, input }: { ctx: Ctx; input: { id: number; cellIds?: string[] } }) {
  return ctx.db.transaction(async (tx) => {
    const row = await requireOwnNotebook({ ...ctx, db: tx as unknown as Db }, input.id);
    const which = input.cellIds ? new Set(input.cellIds) : null;
    const content = {
      ...row.content,
      cells: row.content.cells.map((c) => (c.cell_type === "code" && (!which || which.has(c.id)) ? { ...c, outputs: [], execution_count: null } : c)),
    };
    const [saved] = await tx.update(notebooks).set({ content, updatedAt: new Date() }).where(eq(notebooks.id, row.id)).returning();
    return notebookModel(saved!);
  });
}

/** The .ipynb a user downloads: the stored document (it validates: every write checks). */
export async function exportNotebook({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  await requireOwnNotebookId(ctx, input.id);
  await settleNotebook(input.id); // a cell that finished a moment ago is in the file
  const row = await requireOwnNotebook(ctx, input.id);
  return { name: row.name, content: row.content };
}
