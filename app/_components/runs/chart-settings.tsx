"use client";

import { useState } from "react";
import styles from "./runs.module.css";

export type XAxis = "step" | "relative" | "wall";

/** How every metric chart on a page is drawn: what runs along x, a log y, how much smoothing. */
export interface ChartSettings {
  x: XAxis;
  log: boolean;
  /** TensorBoard's exponential moving average weight: 0 (raw) to 0.99. */
  smoothing: number;
}

export const DEFAULT_SETTINGS: ChartSettings = { x: "step", log: false, smoothing: 0 };

export function useChartSettings() {
  return useState<ChartSettings>(DEFAULT_SETTINGS);
}

/** One bar of controls above a page's charts, so every chart reads the same way. */
export function ChartSettingsBar({ value, onChange }: { value: ChartSettings; onChange: (s: ChartSettings) => void }) {
  return (
    <div className={styles.settings} role="group" aria-label="Chart settings">
      <div className="field">
        <label htmlFor="chart-x">Horizontal axis</label>
        <select id="chart-x" value={value.x} onChange={(e) => onChange({ ...value, x: e.target.value as XAxis })}>
          <option value="step">Step</option>
          <option value="relative">Time since the run's first value</option>
          <option value="wall">Wall-clock time</option>
        </select>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={value.log} onChange={(e) => onChange({ ...value, log: e.target.checked })} /> Log scale
      </label>
      <div className="field">
        <label htmlFor="chart-smoothing">Smoothing {value.smoothing.toFixed(2)}</label>
        <input id="chart-smoothing" type="range" min={0} max={0.99} step={0.01} value={value.smoothing}
          onChange={(e) => onChange({ ...value, smoothing: Number(e.target.value) })} />
      </div>
      <p className="hint">Drag across a chart to zoom in, double-click to zoom out; the values under the cursor are listed below each chart.</p>
    </div>
  );
}
