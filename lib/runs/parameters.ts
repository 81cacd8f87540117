import type { NotebookCell, NotebookDoc } from "../db/schema";

/** A JSON value as Python source: what papermill writes into the injected-parameters cell. */
export function pythonLiteral(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? 'float("inf")' : v < 0 ? 'float("-inf")' : 'float("nan")';
  if (typeof v === "string") return JSON.stringify(v); // JSON's escapes are Python's too
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(", ")}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pythonLiteral(x)}`).join(", ")}}`;
}

const tags = (c: NotebookCell) => ((c.metadata?.tags as string[] | undefined) ?? []);

/**
 * The cells a whole-notebook run executes: papermill's convention, a cell tagged
 * `injected-parameters` right after the one tagged `parameters` (at the top without one).
 */
export function withInjectedParameters(doc: NotebookDoc, params: Record<string, unknown>): NotebookCell[] {
  const cells = doc.cells.filter((c) => !tags(c).includes("injected-parameters"));
  if (Object.keys(params).length === 0) return cells;
  const source = ["# Parameters", ...Object.entries(params).map(([k, v]) => `${k} = ${pythonLiteral(v)}`)].join("\n");
  const injected: NotebookCell = { id: "injected-parameters", cell_type: "code", source, metadata: { tags: ["injected-parameters"] }, outputs: [], execution_count: null };
  const at = cells.findIndex((c) => tags(c).includes("parameters"));
  return at < 0 ? [injected, ...cells] : [...cells.slice(0, at + 1), injected, ...cells.slice(at + 1)];
}

export const sourceText = (c: NotebookCell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
