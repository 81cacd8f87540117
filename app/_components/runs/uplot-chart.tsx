"use client";

import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "react";
import type uPlot from "uplot";
import type { ChartSettings } from "./chart-settings";
import type { RunLine } from "./chart-data";
import { formatNumber } from "./run-format";
import styles from "./runs.module.css";

export interface Styled extends RunLine {
  color: string;
  dash?: number[];
}

const HEIGHT = 240;
/** Every chart on a page moves its cursor with the others: the same step, read across metrics. */
const SYNC = "kiln-metrics";

export const formatSeconds = (s: number) => {
  const a = Math.abs(s);
  const sign = s < 0 ? "-" : "";
  if (a < 60) return `${sign}${+a.toFixed(a < 10 ? 1 : 0)}s`;
  if (a < 3600) return `${sign}${Math.floor(a / 60)}m${Math.round(a % 60) ? ` ${Math.round(a % 60)}s` : ""}`;
  return `${sign}${Math.floor(a / 3600)}h${Math.round((a % 3600) / 60) ? ` ${Math.round((a % 3600) / 60)}m` : ""}`;
};

const alpha = (hex: string, a: string) => `${hex}${a}`;

/**
 * The runs' lines on one uPlot canvas: uPlot joins their x values (gaps spanned), draws the
 * min–max band of downsampled lines, the raw line faint under a smoothed one, syncs the
 * cursor across the page's charts, and reports where the cursor is and what the reader
 * dragged across (zoom).
 */
export function UplotChart({ lines, settings, title, zoom, onCursor, onZoom }: {
  lines: Styled[];
  settings: ChartSettings;
  title: string;
  zoom: { min: number; max: number } | null;
  onCursor: (x: number | null) => void;
  onZoom: (z: { min: number; max: number } | null) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onCursor, onZoom });
  handlers.current = { onCursor, onZoom };

  useEffect(() => {
    const el = box.current;
    if (!el || lines.length === 0) return;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let disposed = false;
    // uPlot touches the DOM: loaded in the browser only
    void import("uplot").then(({ default: UPlot }) => {
      if (disposed) return;
      const tables: uPlot.AlignedData[] = lines.map((l) => [l.xs, l.raw, l.smooth, l.lo ?? l.xs.map(() => null), l.hi ?? l.xs.map(() => null)] as uPlot.AlignedData);
      const data = UPlot.join(tables);
      const series: uPlot.Series[] = [{}];
      const bands: uPlot.Band[] = [];
      const smoothing = settings.smoothing > 0;
      lines.forEach((l, i) => {
        const base = 1 + i * 4;
        series.push(
          { label: `#${l.id} raw`, stroke: smoothing ? alpha(l.color, "40") : l.color, width: smoothing ? 1 : 2, dash: l.dash, spanGaps: true, points: { show: l.xs.length === 1 } },
          { label: `#${l.id}`, stroke: l.color, width: 2, dash: l.dash, spanGaps: true, show: smoothing, points: { show: false } },
          { label: `#${l.id} min`, stroke: "transparent", spanGaps: true, points: { show: false } },
          { label: `#${l.id} max`, stroke: "transparent", spanGaps: true, points: { show: false } },
        );
        if (l.lo) bands.push({ series: [base + 3, base + 2], fill: alpha(l.color, "2e") });
      });
      const timeAxis = settings.x === "wall";
      const opts: uPlot.Options = {
        title: undefined,
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        series,
        bands,
        legend: { show: false },
        scales: {
          x: { time: timeAxis, ...(zoom ? { auto: false, range: () => [zoom.min, zoom.max] as uPlot.Range.MinMax } : {}) },
          y: settings.log ? { distr: 3 } : {},
        },
        axes: [
          { values: settings.x === "relative" ? (_u, ticks) => ticks.map(formatSeconds) : settings.x === "step" ? (_u, ticks) => ticks.map((t) => formatNumber(t)) : undefined, stroke: "#57606a", grid: { stroke: "#e4e7eb" } },
          { values: (_u, ticks) => ticks.map((t) => formatNumber(t)), stroke: "#57606a", grid: { stroke: "#e4e7eb" }, size: 60 },
        ],
        cursor: {
          sync: { key: SYNC, setSeries: false },
          drag: { x: true, y: false, setScale: false },
          points: { show: false },
        },
        hooks: {
          setCursor: [(u) => handlers.current.onCursor(u.cursor.idx == null ? null : (u.data[0][u.cursor.idx] ?? null))],
          setSelect: [
            (u) => {
              if (u.select.width > 3) handlers.current.onZoom({ min: u.posToVal(u.select.left, "x"), max: u.posToVal(u.select.left + u.select.width, "x") });
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            },
          ],
        },
      };
      chart = new UPlot(opts, data, el);
      chart.root.setAttribute("aria-hidden", "true"); // the canvas says nothing to a screen reader: the figure's caption and the values below do
      chart.over.addEventListener("dblclick", () => handlers.current.onZoom(null));
      observer = new ResizeObserver(() => chart?.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
      observer.observe(el);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [lines, settings, zoom]);

  return <div ref={box} className={styles.uplot} role="img" aria-label={title} data-testid="metric-canvas" />;
}
