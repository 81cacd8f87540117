"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { api, type ApiError } from "../api";
import { CompareCode } from "./compare-code";
import { CompareTable } from "./compare-table";
import { ChartSettingsBar, useChartSettings } from "./chart-settings";
import { MetricChart } from "./metric-chart";
import type { RunComparison } from "./types";

/** The /experiments/compare page body: 2..20 runs side by side, each metric's series overlaid. */
export function CompareView({ ids }: { ids: string }) {
  const [data, setData] = useState<RunComparison | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [settings, setSettings] = useChartSettings();
  useEffect(() => {
    let live = true;
    void api<RunComparison>(`/api/runs/compare?ids=${encodeURIComponent(ids)}`).then((res) => {
      if (!live) return;
      if (res.ok) setData(res.data);
      else setError(res.error);
    });
    return () => {
      live = false;
    };
  }, [ids]);

  if (error) {
    const message = error.status === 404 ? "One of these runs does not exist, or it is not shared with you." : error.message;
    return (
      <div className="card empty-state">
        <h2>Cannot compare these runs</h2>
        <p role="alert">{message}</p>
        <p><Link href="/experiments" className="btn btn-secondary">Back to experiments</Link></p>
      </div>
    );
  }
  if (!data) return <p className="muted" role="status">Loading runs…</p>;
  return (
    <>
      <section className="card" aria-labelledby="compare-runs-heading">
        <h2 id="compare-runs-heading">{data.runs.length} runs</h2>
        <CompareTable data={data} />
      </section>
      <section className="card" aria-labelledby="compare-metrics-heading">
        <h2 id="compare-metrics-heading">Metrics</h2>
        {data.metric_keys.length === 0 ? <p className="muted">None of these runs logged a metric.</p> : <ChartSettingsBar value={settings} onChange={setSettings} />}
        <div className="run-charts">
          {data.metric_keys.map((k) => (
            // every run in every chart, so a run keeps its colour from chart to chart
            <MetricChart key={k} runs={data.runs} metric={k} settings={settings} />
          ))}
        </div>
      </section>
      <CompareCode data={data} />
    </>
  );
}
