"use client";

import { RunRow } from "./run-row";
import { SortHeader } from "./sort-header";
import type { RunModel } from "./types";
import type { ColumnChoice } from "./use-column-choice";

interface Props {
  runs: RunModel[];
  columns: ColumnChoice;
  sort: string;
  order: "asc" | "desc";
  onSort: (field: string) => void;
  selected: ReadonlySet<number>;
  onSelect: (id: number) => void;
}

/** A param or metric header: the key as logged (case kept), what kind of value under it. */
function ColumnKey({ kind, name }: { kind: "param" | "metric"; name: string }) {
  return (
    <span className="runs-col-key">
      <span className="runs-col-kind">{kind}</span> {name}
    </span>
  );
}

/** The page of runs: only this page is rendered, however many runs match (the API pages). */
export function RunsTable({ runs, columns, sort, order, onSort, selected, onSelect }: Props) {
  const sortable = { sort, order, onSort };
  return (
    <div className="table-wrap">
      <table className="runs-table">
        <caption className="visually-hidden">Runs</caption>
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">Select</span></th>
            <SortHeader field="id" label="Run" {...sortable} />
            <th scope="col">Notebook</th>
            <th scope="col">Owner</th>
            <th scope="col">Kind</th>
            <SortHeader field="status" label="Status" {...sortable} />
            <SortHeader field="started_at" label="Started" {...sortable} />
            <SortHeader field="duration" label="Duration" {...sortable} />
            {columns.params.map((k) => (
              <SortHeader key={`p:${k}`} field={`param.${k}`} label={<ColumnKey kind="param" name={k} />} className="runs-col-param" {...sortable} />
            ))}
            {columns.metrics.map((k) => (
              <SortHeader key={`m:${k}`} field={`metric.${k}`} label={<ColumnKey kind="metric" name={k} />} className="runs-col-metric" {...sortable} />
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <RunRow key={r.id} run={r} columns={columns} selected={selected.has(r.id)} onSelect={onSelect} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
