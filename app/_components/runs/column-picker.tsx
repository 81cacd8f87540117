"use client";

import type { ColumnChoice } from "./use-column-choice";

interface Props {
  paramKeys: string[];
  metricKeys: string[];
  shown: ColumnChoice;
  onToggle: (kind: keyof ColumnChoice, key: string) => void;
}

function KeyChecks({ kind, legend, keys, shown, onToggle }: { kind: keyof ColumnChoice; legend: string; keys: string[]; shown: string[]; onToggle: Props["onToggle"] }) {
  return (
    <fieldset className="runs-columns-set">
      <legend>{legend}</legend>
      {keys.length === 0 ? <p className="muted">None logged yet.</p> : null}
      {keys.map((k) => (
        <label key={k} className="runs-column-check">
          <input type="checkbox" checked={shown.includes(k)} onChange={() => onToggle(kind, k)} />
          <span className="mono">{k}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Which params and metrics get a column: the keys the API found among the runs one may read. */
export function ColumnPicker({ paramKeys, metricKeys, shown, onToggle }: Props) {
  const count = shown.params.length + shown.metrics.length;
  return (
    <details className="runs-columns">
      <summary className="btn btn-secondary btn-small">Columns ({count} of {paramKeys.length + metricKeys.length})</summary>
      <div className="runs-columns-body">
        <KeyChecks kind="params" legend="Params" keys={paramKeys} shown={shown.params} onToggle={onToggle} />
        <KeyChecks kind="metrics" legend="Metrics (last value)" keys={metricKeys} shown={shown.metrics} onToggle={onToggle} />
      </div>
    </details>
  );
}
