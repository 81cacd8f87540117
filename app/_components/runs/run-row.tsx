"use client";

import Link from "next/link";
import { When } from "../when";
import { formatDuration, formatNumber, StatusBadge } from "./run-format";
import type { RunModel } from "./types";
import type { ColumnChoice } from "./use-column-choice";

interface Props {
  run: RunModel;
  columns: ColumnChoice;
  selected: boolean;
  onSelect: (id: number) => void;
}

/** One run in the runs table: its fixed columns, then the picked params and metrics' last values. */
export function RunRow({ run, columns, selected, onSelect }: Props) {
  return (
    <tr data-run-id={run.id} className={selected ? "runs-row-selected" : undefined}>
      <td>
        <input type="checkbox" checked={selected} onChange={() => onSelect(run.id)} aria-label={`Select run ${run.id}`} />
      </td>
      <th scope="row">
        <Link href={`/experiments/${run.id}`}>#{run.id}</Link>
      </th>
      <td>
        {run.notebook_id ? <Link href={`/notebooks/${run.notebook_id}`}>{run.notebook_name}</Link> : run.notebook_name}
      </td>
      <td>{run.owner}</td>
      <td>{run.kind}</td>
      <td><StatusBadge status={run.status} activity={run.activity} /></td>
      <td className="nowrap"><When iso={run.started_at} style="ago" /></td>
      <td className="nowrap runs-num">{formatDuration(run.duration_s)}</td>
      {columns.params.map((k) => (
        <td key={`p:${k}`} className="mono" data-param={k}>{run.params[k] ?? <span className="muted">—</span>}</td>
      ))}
      {columns.metrics.map((k) => (
        <td key={`m:${k}`} className="mono runs-num" data-metric={k} title={run.metrics[k] ? `step ${run.metrics[k].last_step}, ${run.metrics[k].count} values` : undefined}>
          {run.metrics[k] ? formatNumber(run.metrics[k].last) : <span className="muted">—</span>}
        </td>
      ))}
    </tr>
  );
}
