import Link from "next/link";
import { formatDuration, formatNumber, StatusBadge } from "./run-format";
import type { RunComparison, RunModel } from "./types";

function Row({ label, runs, cell, differs }: { label: React.ReactNode; runs: RunModel[]; cell: (r: RunModel) => React.ReactNode; differs?: boolean }) {
  return (
    <tr className={differs ? "compare-differs" : undefined} data-differs={differs ? "true" : undefined}>
      <th scope="row">
        {label}
        {differs ? <span className="badge badge-accent">differs</span> : null}
      </th>
      {runs.map((r) => <td key={r.id}>{cell(r)}</td>)}
    </tr>
  );
}

function GroupRow({ label, span }: { label: string; span: number }) {
  return (
    <tr className="compare-group">
      <th scope="colgroup" colSpan={span}>{label}</th>
    </tr>
  );
}

/** Runs as columns: what they are, their params (the differing rows marked) and their metrics' last values. */
export function CompareTable({ data }: { data: RunComparison }) {
  const { runs } = data;
  const differing = new Set(data.differing_params);
  const dash = <span className="muted">—</span>;
  return (
    <div className="table-wrap">
      <table className="compare-table" data-testid="compare-table">
        <caption className="visually-hidden">Runs compared</caption>
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">Field</span></th>
            {runs.map((r) => (
              <th scope="col" key={r.id} data-run-id={r.id}><Link href={`/experiments/${r.id}`}>Run #{r.id}</Link></th>
            ))}
          </tr>
        </thead>
        <tbody>
          <Row label="Notebook" runs={runs} cell={(r) => (r.notebook_id ? <Link href={`/notebooks/${r.notebook_id}`}>{r.notebook_name}</Link> : r.notebook_name)} />
          <Row label="Status" runs={runs} cell={(r) => <StatusBadge status={r.status} activity={r.activity} />} />
          <Row label="Duration" runs={runs} cell={(r) => formatDuration(r.duration_s)} />
          <Row label="Image digest" runs={runs} cell={(r) => <span className="mono compare-digest" title={r.image_digest ?? ""}>{r.image_digest?.slice(0, 19) ?? "—"}</span>} />
          <GroupRow label="Params" span={runs.length + 1} />
          {Object.keys(data.params).length === 0 ? <Row label={<span className="muted">none</span>} runs={runs} cell={() => dash} /> : null}
          {Object.entries(data.params).map(([key, values]) => (
            <Row key={key} label={<span className="mono">{key}</span>} runs={runs} differs={differing.has(key)}
              cell={(r) => (values[String(r.id)] == null ? dash : <span className="mono">{values[String(r.id)]}</span>)} />
          ))}
          <GroupRow label="Metrics (last value)" span={runs.length + 1} />
          {data.metric_keys.map((key) => (
            <Row key={key} label={<span className="mono">{key}</span>} runs={runs}
              cell={(r) => (r.metrics[key] ? <span className="mono">{formatNumber(r.metrics[key].last)}</span> : dash)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
