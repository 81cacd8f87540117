"use client";

import { useMemo, useState } from "react";
import { nearest, stepRange, toRunLine } from "./chart-data";
import { lineStyle } from "./chart-series";
import type { ChartSettings } from "./chart-settings";
import { formatNumber } from "./run-format";
import type { RunModel } from "./types";
import { formatSeconds, type Styled, UplotChart } from "./uplot-chart";
import { useSeries } from "./use-series";
import styles from "./runs.module.css";

const when = (x: number, settings: ChartSettings) =>
  settings.x === "step" ? `step ${formatNumber(x)}` : settings.x === "relative" ? formatSeconds(x) : new Date(x * 1000).toLocaleTimeString("en-GB");

/**
 * One metric of one or more runs on a uPlot chart, with the value of every run under the
 * cursor listed below it. Re-read when a run logged more (a live run), when the axis needs
 * times, and at full resolution for the span a reader zoomed into.
 */
export function MetricChart({ runs, metric, settings }: { runs: RunModel[]; metric: string; settings: ChartSettings }) {
  const version = runs.map((r) => `${r.metrics[metric]?.count ?? 0}:${r.metrics[metric]?.last_step ?? ""}`).join(",");
  const [zoom, setZoom] = useState<{ x: ChartSettings["x"]; min: number; max: number; ranges: Record<number, { from: number; to: number }> } | null>(null);
  const activeZoom = zoom?.x === settings.x ? zoom : null;
  const { series, error } = useSeries(runs.map((r) => r.id), metric, version, settings.x !== "step", activeZoom?.ranges ?? null);
  const [cursor, setCursor] = useState<number | null>(null);

  // keyed by the ids, not the runs: a live run's page re-reads them every 2 s, and a new
  // array must not redraw the chart (and lose the cursor) when nothing it shows changed
  const ids = runs.map((r) => r.id).join(",");
  const lines: Styled[] = useMemo(
    () => (series ?? []).map((s, i) => {
      const style = lineStyle(i);
      return { ...toRunLine(Number(ids.split(",")[i]), s, settings), color: style.color, dash: style.dash ? style.dash.split(" ").map(Number) : undefined };
    }),
    [series, ids, settings],
  );
  const downsampled = lines.some((l) => l.downsampled);
  const empty = series !== null && lines.every((l) => l.xs.length === 0);

  function zoomTo(z: { min: number; max: number } | null) {
    if (!z) return setZoom(null);
    const ranges: Record<number, { from: number; to: number }> = {};
    for (const l of lines) {
      const r = stepRange(l, z.min, z.max);
      if (r) ranges[l.id] = r;
    }
    setZoom({ x: settings.x, ...z, ranges });
  }

  return (
    <figure className="run-chart-figure" data-metric={metric} data-points={lines.map((l) => `${l.id}:${l.xs.length}`).join(",")}>
      <figcaption>
        <strong>{metric}</strong>
        {downsampled ? <span className="muted"> (downsampled: the band is each bucket&rsquo;s min–max, the line its average)</span> : null}
        {activeZoom ? (
          <button type="button" className={`btn btn-secondary btn-small ${styles.reset}`} onClick={() => setZoom(null)}>Reset zoom</button>
        ) : null}
      </figcaption>
      {error ? <p role="alert" className="alert alert-error">{error}</p> : null}
      {!series && !error ? <p className="muted">Loading {metric}…</p> : null}
      {empty ? <p className="muted">No values logged.</p> : null}
      {series && !empty ? (
        <UplotChart lines={lines} settings={settings} title={`${metric} by ${settings.x === "step" ? "step" : "time"}`}
          zoom={activeZoom ? { min: activeZoom.min, max: activeZoom.max } : null} onCursor={setCursor} onZoom={zoomTo} />
      ) : null}
      <ul className="run-chart-legend" aria-label={`Runs in the ${metric} chart`} aria-live="off" data-testid="chart-values">
        {lines.map((l) => {
          const i = cursor === null || l.xs.length === 0 ? -1 : nearest(l.xs, cursor);
          const value = i < 0 ? null : settings.smoothing > 0 ? l.smooth[i] : l.raw[i];
          return (
            <li key={l.id} data-run-id={l.id}>
              <svg width="22" height="10" aria-hidden="true">
                <line x1="0" x2="22" y1="5" y2="5" stroke={l.color} strokeWidth="3" strokeDasharray={l.dash?.join(" ")} />
              </svg>
              Run #{l.id}
              {l.xs.length === 0 ? <span className="muted"> (not logged)</span> : null}
              {i >= 0 ? <span className={`mono ${styles.value}`}>{when(l.xs[i]!, settings)}: {formatNumber(value ?? null)}</span> : null}
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
