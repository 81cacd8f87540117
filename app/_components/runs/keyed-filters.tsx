"use client";

import { useState } from "react";
import { METRIC_OPS, type MetricOp, type RunFilters } from "./runs-query";

interface Props {
  filters: RunFilters;
  paramKeys: string[];
  metricKeys: string[];
  onChange: (patch: Partial<RunFilters>) => void;
}

/** Param filters (key = value) and metric filters (key op number, on the last value), as removable chips plus a form to add one. */
export function KeyedFilters({ filters, paramKeys, metricKeys, onChange }: Props) {
  const [type, setType] = useState<"param" | "metric">("param");
  const [key, setKey] = useState("");
  const [op, setOp] = useState<MetricOp>("<");
  const [value, setValue] = useState("");

  function add(e: React.FormEvent) {
    e.preventDefault();
    const k = key.trim();
    if (!k) return;
    // one filter per key, as the query string holds one value per name
    if (type === "param") onChange({ params: [...filters.params.filter((p) => p.key !== k), { key: k, value: value.trim() }] });
    else onChange({ metrics: [...filters.metrics.filter((m) => m.key !== k), { key: k, op, value: value.trim() }] });
    setKey("");
    setValue("");
  }

  const chips = [
    ...filters.params.map((p) => ({ id: `p:${p.key}`, text: `${p.key} = ${p.value}`, remove: () => onChange({ params: filters.params.filter((x) => x !== p) }) })),
    ...filters.metrics.map((m) => ({ id: `m:${m.key}`, text: `${m.key} ${m.op} ${m.value}`, remove: () => onChange({ metrics: filters.metrics.filter((x) => x !== m) }) })),
  ];

  return (
    <div className="runs-keyed">
      <form className="runs-filter-row" onSubmit={add} aria-label="Add a param or metric filter">
        <div className="field runs-field">
          <label htmlFor="runs-filter-type">Filter on</label>
          <select id="runs-filter-type" value={type} onChange={(e) => setType(e.target.value as "param" | "metric")}>
            <option value="param">param</option>
            <option value="metric">metric (last value)</option>
          </select>
        </div>
        <div className="field runs-field">
          <label htmlFor="runs-filter-key">Key</label>
          <input id="runs-filter-key" list="runs-filter-keys" value={key} onChange={(e) => setKey(e.target.value)} placeholder={type === "param" ? "lr" : "loss"} />
          <datalist id="runs-filter-keys">
            {(type === "param" ? paramKeys : metricKeys).map((k) => <option key={k} value={k} />)}
          </datalist>
        </div>
        {type === "metric" ? (
          <div className="field runs-field-narrow">
            <label htmlFor="runs-filter-op">Comparison</label>
            <select id="runs-filter-op" value={op} onChange={(e) => setOp(e.target.value as MetricOp)}>
              {METRIC_OPS.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          </div>
        ) : null}
        <div className="field runs-field">
          <label htmlFor="runs-filter-value">{type === "param" ? "Value" : "Number"}</label>
          <input id="runs-filter-value" value={value} onChange={(e) => setValue(e.target.value)} placeholder={type === "param" ? "0.1" : "0.5"} />
        </div>
        <button type="submit" className="btn btn-secondary" disabled={!key.trim()}>Add filter</button>
      </form>
      {chips.length ? (
        <ul className="runs-chips" aria-label="Param and metric filters">
          {chips.map((c) => (
            <li key={c.id} className="runs-chip">
              <span className="mono">{c.text}</span>
              <button type="button" className="runs-chip-remove" aria-label={`Remove filter ${c.text}`} onClick={c.remove}>×</button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
