import type { MetricSeries } from "./types";

export interface ChartPoint {
  x: number;
  y: number;
}

/** What one line on a chart needs: its points, and for a downsampled series the min–max band. */
export interface ChartLine {
  id: string;
  label: string;
  color: string;
  dash?: string;
  points: ChartPoint[];
  band?: { x: number; lo: number; hi: number }[];
}

// Ten colours that stay apart on white; past ten the lines repeat them dashed.
const PALETTE = ["#c2410c", "#2563eb", "#067647", "#7c3aed", "#b42318", "#0e7490", "#a16207", "#be185d", "#374151", "#4d7c0f"];

export function lineStyle(index: number): { color: string; dash?: string } {
  return { color: PALETTE[index % PALETTE.length]!, dash: index >= PALETTE.length ? "6 3" : undefined };
}

/** A series from the API as a line: raw points as they are, buckets as their average with the band around it. */
export function toChartLine(series: MetricSeries, id: string, label: string, index: number): ChartLine {
  const style = lineStyle(index);
  if (series.downsampled && series.buckets?.length) {
    const mid = (b: { step_from: number; step_to: number }) => (b.step_from + b.step_to) / 2;
    return {
      id, label, ...style,
      points: series.buckets.map((b) => ({ x: mid(b), y: b.avg })),
      band: series.buckets.map((b) => ({ x: mid(b), lo: b.min, hi: b.max })),
    };
  }
  // NaN and infinities travel as null: there is nothing to draw for them
  const points = series.points.filter((p) => typeof p.value === "number" && Number.isFinite(p.value)).map((p) => ({ x: p.step, y: p.value as number }));
  return { id, label, ...style, points };
}
