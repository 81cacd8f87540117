"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ColumnPicker } from "./column-picker";
import { Pagination } from "./pagination";
import { RunsFilters } from "./runs-filters";
import { filtersFromQuery, queryOf, type RunFilters, sortedBy } from "./runs-query";
import { RunsTable } from "./runs-table";
import { useColumnChoice } from "./use-column-choice";
import { useRunsList } from "./use-runs-list";

/** The API compares at most this many runs at once. */
const MAX_COMPARE = 20;

/** The /experiments page body: filters, the runs table, pages, and picking runs to compare. */
export function RunsPage({ initialQuery }: { initialQuery: string }) {
  const router = useRouter();
  const [filters, setFilters] = useState<RunFilters>(() => filtersFromQuery(initialQuery));
  const query = useMemo(() => queryOf(filters), [filters]);
  const { data, error, loading, reload } = useRunsList(query);
  const { shown, toggle } = useColumnChoice(data?.param_keys ?? [], data?.metric_keys ?? []);
  const [selected, setSelected] = useState<Set<number>>(new Set());

  // The address mirrors the table (a link to share, back and reload keep it), without a navigation.
  useEffect(() => {
    const url = `/experiments${query ? `?${query}` : ""}`;
    if (url !== window.location.pathname + window.location.search) window.history.replaceState(window.history.state, "", url);
  }, [query]);

  const onSelect = useCallback((id: number) => {
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const compareIds = [...selected].sort((a, b) => a - b);
  const canCompare = compareIds.length >= 2 && compareIds.length <= MAX_COMPARE;

  return (
    <section className="card" aria-labelledby="runs-heading">
      <div className="section-head">
        <h2 id="runs-heading">Runs</h2>
        <div className="section-tools">
          <ColumnPicker paramKeys={data?.param_keys ?? []} metricKeys={data?.metric_keys ?? []} shown={shown} onToggle={toggle} />
          <button type="button" className="btn btn-secondary btn-small" onClick={reload}>Refresh</button>
          <button type="button" className="btn btn-primary btn-small" disabled={!canCompare}
            title={compareIds.length > MAX_COMPARE ? `Compare at most ${MAX_COMPARE} runs` : "Select 2 or more runs to compare"}
            onClick={() => router.push(`/experiments/compare?ids=${compareIds.join(",")}`)}>
            Compare{compareIds.length ? ` (${compareIds.length})` : ""}
          </button>
        </div>
      </div>
      <RunsFilters filters={filters} paramKeys={data?.param_keys ?? []} metricKeys={data?.metric_keys ?? []} onChange={setFilters} />
      {error ? <div role="alert" className="alert alert-error" data-testid="runs-error">{error.message}</div> : null}
      {!data && loading ? <p className="muted" role="status">Loading runs…</p> : null}
      {data ? (
        <div className={loading ? "runs-results runs-loading" : "runs-results"} aria-busy={loading}>
          <Pagination total={data.total} limit={filters.limit} offset={filters.offset} onPage={(offset, limit) => setFilters({ ...filters, offset, limit })} />
          {data.runs.length === 0 ? (
            <p className="muted">{query ? "No run matches these filters." : "No runs yet. Run a notebook cell, or “Run as experiment” from a notebook."}</p>
          ) : (
            <RunsTable runs={data.runs} columns={shown} sort={filters.sort} order={filters.order} onSort={(f) => setFilters(sortedBy(filters, f))}
              selected={selected} onSelect={onSelect} />
          )}
        </div>
      ) : null}
    </section>
  );
}
