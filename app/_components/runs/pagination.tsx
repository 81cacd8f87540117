"use client";

import { PAGE_SIZES } from "./runs-query";

interface Props {
  total: number;
  limit: number;
  offset: number;
  onPage: (offset: number, limit: number) => void;
}

/** "N runs", which of them are on screen, and the way to the next and previous pages. */
export function Pagination({ total, limit, offset, onPage }: Props) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <nav className="runs-pages" aria-label="Pages of runs">
      <p className="runs-total" data-testid="runs-total">
        <strong>{total.toLocaleString("en")} {total === 1 ? "run" : "runs"}</strong>
        {total > limit ? <span className="muted"> · showing {first}–{last}</span> : null}
      </p>
      <div className="runs-pages-tools">
        <label htmlFor="runs-page-size" className="muted">Per page</label>
        <select id="runs-page-size" className="runs-page-size" value={limit} onChange={(e) => onPage(0, Number(e.target.value))}>
          {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <button type="button" className="btn btn-secondary btn-small" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit), limit)}>
          ← Previous
        </button>
        <button type="button" className="btn btn-secondary btn-small" disabled={offset + limit >= total} onClick={() => onPage(offset + limit, limit)}>
          Next →
        </button>
      </div>
    </nav>
  );
}
