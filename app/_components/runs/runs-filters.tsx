"use client";

import { useCallback } from "react";
import { KeyedFilters } from "./keyed-filters";
import type { RunFilters } from "./runs-query";
import { useDebouncedText } from "./use-debounced-text";

interface Props {
  filters: RunFilters;
  paramKeys: string[];
  metricKeys: string[];
  onChange: (f: RunFilters) => void;
}

/** The runs table's filters: every one goes to GET /api/runs as its own query parameter. */
export function RunsFilters({ filters, paramKeys, metricKeys, onChange }: Props) {
  // Any filter change goes back to the first page: the old offset may lie past the new total.
  const set = useCallback((patch: Partial<RunFilters>) => onChange({ ...filters, ...patch, offset: 0 }), [filters, onChange]);
  const [notebook, setNotebook] = useDebouncedText(filters.notebook_id, useCallback((v) => set({ notebook_id: v }), [set]));
  const [owner, setOwner] = useDebouncedText(filters.owner, useCallback((v) => set({ owner: v }), [set]));

  return (
    <div className="runs-filters" role="search" aria-label="Filter runs">
      <div className="runs-filter-row">
        <div className="field runs-field-narrow">
          <label htmlFor="runs-notebook">Notebook id</label>
          <input id="runs-notebook" inputMode="numeric" value={notebook} placeholder="any" onChange={(e) => setNotebook(e.target.value)} />
        </div>
        <div className="field runs-field">
          <label htmlFor="runs-owner">Owner</label>
          <input id="runs-owner" value={owner} placeholder="anyone" onChange={(e) => setOwner(e.target.value)} />
        </div>
        <div className="field runs-field">
          <label htmlFor="runs-status">Status</label>
          <select id="runs-status" value={filters.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any</option>
            {["queued", "running", "finished", "failed", "killed"].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field runs-field">
          <label htmlFor="runs-kind">Kind</label>
          <select id="runs-kind" value={filters.kind} onChange={(e) => set({ kind: e.target.value })}>
            <option value="">Any</option>
            <option value="interactive">interactive</option>
            <option value="batch">batch</option>
            <option value="step">pipeline step</option>
          </select>
        </div>
      </div>
      <KeyedFilters filters={filters} paramKeys={paramKeys} metricKeys={metricKeys} onChange={set} />
    </div>
  );
}
