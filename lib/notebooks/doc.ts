import crypto from "node:crypto";
import type { NotebookCell, NotebookDoc } from "../db/schema";

/** nbformat cell ids: 8 random hex characters, as JupyterLab makes them. */
export const newCellId = () => crypto.randomBytes(4).toString("hex");

export function newCell(type: NotebookCell["cell_type"] = "code", source = ""): NotebookCell {
  return type === "code"
    ? { id: newCellId(), cell_type: "code", source, metadata: {}, outputs: [], execution_count: null }
    : { id: newCellId(), cell_type: type, source, metadata: {} };
}

/** What a new notebook's metadata says: Python 3 on Kiln's images. */
export const defaultMetadata = () => ({
  kernelspec: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
  language_info: { name: "python" },
});

export function newNotebook(cells: NotebookCell[] = [newCell()]): NotebookDoc {
  return { nbformat: 4, nbformat_minor: 5, metadata: defaultMetadata(), cells };
}

export const sourceText = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);

/**
 * Cells as the editor sends them (source and metadata), with Kiln's outputs kept: outputs
 * come from the kernel through Kiln, so a save (perhaps from a tab that missed some) never
 * overwrites them. A new cell starts with none.
 */
export function mergeEditedCells(
  stored: NotebookCell[],
  edited: { id: string; cell_type: NotebookCell["cell_type"]; source: string | string[]; metadata: Record<string, unknown> }[],
): NotebookCell[] {
  const byId = new Map(stored.map((c) => [c.id, c]));
  return edited.map((e) => {
    const before = byId.get(e.id);
    // metadata.kiln is Kiln's (which execution the outputs came from), like the outputs themselves
    const kiln = before?.metadata.kiln;
    const base = { id: e.id, source: sourceText(e.source), metadata: kiln ? { ...e.metadata, kiln } : e.metadata };
    if (e.cell_type !== "code") return { ...base, cell_type: e.cell_type, ...(before?.attachments ? { attachments: before.attachments } : {}) };
    return {
      ...base, cell_type: "code",
      outputs: before?.cell_type === "code" ? (before.outputs ?? []) : [],
      execution_count: before?.cell_type === "code" ? (before.execution_count ?? null) : null,
    };
  });
}

/** nbformat 4.5 requires unique cell ids; files from older tools may repeat or lack them. */
export function withUniqueIds(doc: NotebookDoc): NotebookDoc {
  const seen = new Set<string>();
  return {
    ...doc,
    nbformat_minor: Math.max(doc.nbformat_minor, 5),
    cells: doc.cells.map((c) => {
      let id = typeof c.id === "string" && /^[a-zA-Z0-9_-]{1,64}$/.test(c.id) ? c.id : newCellId();
      while (seen.has(id)) id = newCellId();
      seen.add(id);
      return { ...c, id };
    }),
  };
}
