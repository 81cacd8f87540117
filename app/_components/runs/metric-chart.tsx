"use client";

import { toChartLine } from "./chart-series";
import { LineChart } from "./line-chart";
import type { RunModel } from "./types";
import { useSeries } from "./use-series";

/**
 * One metric of one or more runs, their lines overlaid, with a legend by run when there are
 * several. Re-read whenever a run's count or last step for this metric moves (a live run).
 */
export function MetricChart({ runs, metric }: { runs: RunModel[]; metric: string }) {
  const version = runs.map((r) => `${r.metrics[metric]?.count ?? 0}:${r.metrics[metric]?.last_step ?? ""}`).join(",");
  const { series, error } = useSeries(runs.map((r) => r.id), metric, version);
  const lines = (series ?? []).map((s, i) => toChartLine(s, String(runs[i]!.id), `#${runs[i]!.id}`, i));
  const downsampled = series?.some((s) => s.downsampled);

  return (
    <figure className="run-chart-figure" data-metric={metric}>
      <figcaption>
        <strong>{metric}</strong>
        {downsampled ? <span className="muted"> (downsampled: the band is each bucket&rsquo;s min–max, the line its average)</span> : null}
      </figcaption>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
      {!series && !error ? <p className="muted">Loading {metric}…</p> : null}
      {series && lines.every((l) => l.points.length === 0) ? <p className="muted">No values logged.</p> : null}
      {series && lines.some((l) => l.points.length > 0) ? <LineChart lines={lines} title={`${metric} by step`} /> : null}
      {runs.length > 1 ? (
        <ul className="run-chart-legend" aria-label={`Runs in the ${metric} chart`}>
          {lines.map((l) => (
            <li key={l.id}>
              <svg width="22" height="10" aria-hidden="true">
                <line x1="0" x2="22" y1="5" y2="5" stroke={l.color} strokeWidth="3" strokeDasharray={l.dash} />
              </svg>
              Run {l.label}
              {l.points.length === 0 ? <span className="muted"> (not logged)</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
