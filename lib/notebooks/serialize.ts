import type { NotebookDoc, NotebookRow } from "../db/schema";

export function notebookSummary(r: NotebookRow) {
  return {
    id: r.id, name: r.name, revision: r.revision, cells: r.content.cells.length,
    created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(), deleted_at: r.deletedAt?.toISOString() ?? null,
  };
}

export function notebookModel(r: NotebookRow, content: NotebookDoc = r.content) {
  return { ...notebookSummary(r), content };
}
