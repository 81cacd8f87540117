import { formatDuration } from "./run-format";
import type { RunCell } from "./types";

const CELL_BADGE: Record<string, string> = { ok: "badge-success", error: "badge-danger", running: "badge-accent" };

/** The code the run executed, cell by cell, with how each ended and what it printed (in a line). */
export function RunCells({ cells }: { cells: RunCell[] }) {
  return (
    <section className="card" aria-labelledby="run-cells-heading">
      <h2 id="run-cells-heading">Cells</h2>
      {cells.length === 0 ? <p className="muted">No cell has run yet.</p> : (
        <ol className="run-cells">
          {cells.map((c) => (
            <li key={c.execution_id} className="run-cell">
              <div className="run-cell-head">
                <span className="mono muted">[{c.execution_count ?? " "}]</span>
                <span className="mono">{c.cell_id}</span>
                <span className={`badge ${CELL_BADGE[c.status] ?? "badge-neutral"}`}>{c.status}</span>
                <span className="muted">{c.duration_ms === null ? "—" : formatDuration(c.duration_ms / 1000)}</span>
                {c.output_summary ? <span className="muted run-cell-summary">{c.output_summary}</span> : null}
              </div>
              <pre className="run-cell-code">{c.code}</pre>
              {c.error ? <p className="alert alert-error">{c.error}</p> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
