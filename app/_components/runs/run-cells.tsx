"use client";

import { useMemo } from "react";
import { OutputView } from "../notebook/output-view";
import { runFromCell } from "../notebook/run-state";
import { formatDuration } from "./run-format";
import type { RunCell } from "./types";

const CELL_BADGE: Record<string, string> = { ok: "badge-success", error: "badge-danger", running: "badge-accent" };

/** A cell's outputs through the notebook's own renderers (streams, rich data, tracebacks), never a copy of them. */
function CellOutputs({ cell }: { cell: RunCell }) {
  const entries = useMemo(
    () => runFromCell({ id: cell.cell_id, cell_type: "code", source: "", metadata: { kiln: { execution_id: cell.execution_id } }, outputs: cell.outputs ?? [] }).outputs,
    [cell.cell_id, cell.execution_id, cell.outputs],
  );
  if (entries.length === 0) return null;
  return (
    <div className="nb-outputs run-cell-outputs" data-testid="run-cell-outputs">
      {entries.map((e) => <OutputView key={e.key} entry={e} />)}
    </div>
  );
}

/** How the cell failed, when no traceback among its outputs says it (a cell aborted, or ended by a lost kernel). */
function CellError({ cell }: { cell: RunCell }) {
  if (!cell.error || cell.outputs?.some((o) => o.output_type === "error")) return null;
  return (
    <p className="alert alert-error" role="note">
      <strong>{cell.error.ename}</strong>
      {cell.error.evalue ? `: ${cell.error.evalue}` : null}
    </p>
  );
}

/** The code the run executed, cell by cell, with how each ended and what it printed. */
export function RunCells({ cells }: { cells: RunCell[] }) {
  return (
    <section className="card" aria-labelledby="run-cells-heading">
      <h2 id="run-cells-heading">Cells</h2>
      {cells.length === 0 ? <p className="muted">No cell has run yet.</p> : (
        <ol className="run-cells">
          {cells.map((c) => (
            <li key={c.execution_id} className="run-cell" data-status={c.status}>
              <div className="run-cell-head">
                <span className="mono muted">[{c.execution_count ?? " "}]</span>
                <span className="mono">{c.cell_id}</span>
                <span className={`badge ${CELL_BADGE[c.status] ?? "badge-neutral"}`}>{c.status}</span>
                <span className="muted">{c.duration_ms === null ? "—" : formatDuration(c.duration_ms / 1000)}</span>
                {c.output_summary ? <span className="muted run-cell-summary">{c.output_summary}</span> : null}
              </div>
              <pre className="run-cell-code">{c.code}</pre>
              <CellOutputs cell={c} />
              <CellError cell={c} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
