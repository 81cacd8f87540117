import { and, eq, isNull } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import type { Db } from "../db";
import { notebookRevisions, notebooks, type NotebookDoc } from "../db/schema";
import { ConflictError } from "../errors";
import { withUniqueIds } from "./doc";
import { requireUser } from "./find";
import { insert, insertCopy } from "./manage";
import { notebookModel } from "./serialize";
import { assertValidNotebook } from "./validate";

/** What an import does when the name is taken: refuse (the default), import beside it, or replace it. */
export type OnConflict = "refuse" | "copy" | "overwrite";

/** 4.0-4.4 files are valid 4.5 ones once every cell has an id. */
function upgraded(file: unknown): unknown {
  const f = file as Partial<NotebookDoc> | null;
  return f && typeof f === "object" && f.nbformat === 4 && Array.isArray(f.cells) && (f.nbformat_minor ?? 0) < 5 ? withUniqueIds(f as NotebookDoc) : f;
}

/**
 * An .ipynb as uploaded: validated against the nbformat 4.5 schema, nothing stored if it
 * fails. `created` is false when it replaced a notebook (same id, so links and runs stay;
 * the replaced content is kept as an "import" revision first).
 */
export async function importNotebook({ ctx, input }: { ctx: Ctx; input: { name: string; file: unknown; onConflict?: OnConflict } }) {
  const user = requireUser(ctx);
  const file = upgraded(input.file);
  assertValidNotebook(file);
  const content = withUniqueIds(file as NotebookDoc);
  if (input.onConflict === "overwrite") return overwrite(ctx.db, user.id, input.name, content);
  try {
    return { created: true, notebook: notebookModel(await insert(ctx.db, user.id, input.name, content)) };
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    if (input.onConflict === "copy") return { created: true, notebook: notebookModel(await insertCopy(ctx.db, user.id, input.name, content)) };
    throw new ConflictError(
      `You already have a notebook named "${input.name}": import with on_conflict=copy to keep both, or on_conflict=overwrite to replace it (its content is kept as a revision)`,
      "name",
    );
  }
}

async function overwrite(db: Db, ownerId: number, name: string, content: NotebookDoc) {
  const replaced = await db.transaction(async (tx) => {
    const [old] = await tx.select().from(notebooks).where(and(eq(notebooks.ownerId, ownerId), eq(notebooks.name, name), isNull(notebooks.deletedAt))).for("update");
    if (!old) return null;
    await tx.insert(notebookRevisions).values({ notebookId: old.id, revision: old.revision, content: old.content, reason: "import" });
    const [saved] = await tx.update(notebooks).set({ content, revision: old.revision + 1, updatedAt: new Date() }).where(eq(notebooks.id, old.id)).returning();
    return saved!;
  });
  // nothing of that name (or it was deleted meanwhile): a plain import
  if (!replaced) return { created: true, notebook: notebookModel(await insert(db, ownerId, name, content)) };
  return { created: false, notebook: notebookModel(replaced) };
}
