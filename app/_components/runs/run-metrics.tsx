"use client";

import { ChartSettingsBar, useChartSettings } from "./chart-settings";
import { MetricChart } from "./metric-chart";
import { formatNumber } from "./run-format";
import type { RunModel } from "./types";

/** Each metric's summary (last, min, max, how many values) and its chart by step. */
export function RunMetrics({ run }: { run: RunModel }) {
  const keys = Object.keys(run.metrics).sort();
  const [settings, setSettings] = useChartSettings();
  return (
    <section className="card" aria-labelledby="run-metrics-heading">
      <h2 id="run-metrics-heading">Metrics</h2>
      {keys.length === 0 ? <p className="muted">No metrics logged. In the notebook: <code>kiln.log_metric(&quot;loss&quot;, 0.5, step=1)</code>.</p> : (
        <>
          <div className="table-wrap">
            <table className="run-kv">
              <caption className="visually-hidden">Metric summaries</caption>
              <thead>
                <tr><th scope="col">Metric</th><th scope="col">Last</th><th scope="col">Last step</th><th scope="col">Min</th><th scope="col">Max</th><th scope="col">Values</th></tr>
              </thead>
              <tbody>
                {keys.map((k) => {
                  const m = run.metrics[k]!;
                  return (
                    <tr key={k}>
                      <th scope="row" className="mono">{k}</th>
                      <td className="mono">{formatNumber(m.last)}</td>
                      <td className="mono">{m.last_step ?? "—"}</td>
                      <td className="mono">{formatNumber(m.min)}</td>
                      <td className="mono">{formatNumber(m.max)}</td>
                      <td className="mono">{m.count.toLocaleString("en")}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <ChartSettingsBar value={settings} onChange={setSettings} />
          <div className="run-charts">
            {keys.map((k) => <MetricChart key={k} runs={[run]} metric={k} settings={settings} />)}
          </div>
        </>
      )}
    </section>
  );
}
