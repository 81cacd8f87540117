"use client";

import { useEffect, useState } from "react";
import { api } from "../api";
import { seriesUrl } from "./run-format";
import type { MetricSeries } from "./types";

/** Points per run and chart: the API downsamples beyond this (uPlot would draw far more, the network is the limit). */
const MAX_POINTS = 1000;

/**
 * One metric's series for each of the runs. `version` changes when a run logged more (its
 * count or last step moved): then it is read again. `time` asks for bucket times (time on x);
 * `ranges` (a zoomed chart) asks each run for its steps in view only, at full resolution
 * where they fit.
 */
export function useSeries(runIds: number[], key: string, version: string, time: boolean, ranges: Record<number, { from: number; to: number }> | null) {
  // kept with what they answer, so a chart never pairs one run's series with another run
  const [answer, setAnswer] = useState<{ ask: string; series: MetricSeries[] } | null>(null);
  const [error, setError] = useState("");
  const ids = runIds.join(",");
  const ask = JSON.stringify([ids, key, time, ranges]);
  useEffect(() => {
    let live = true;
    const url = (id: number) => {
      const r = ranges?.[id];
      return `${seriesUrl(id, key, MAX_POINTS)}${time ? "&x=time" : ""}${r ? `&from=${r.from}&to=${r.to}` : ""}`;
    };
    void Promise.all(ids.split(",").map((id) => api<MetricSeries>(url(Number(id))))).then((answers) => {
      if (!live) return;
      const failed = answers.find((a) => !a.ok);
      if (failed && !failed.ok) return setError(failed.error.message);
      setError("");
      setAnswer({ ask, series: answers.map((a) => (a.ok ? a.data : { key, downsampled: false, points: [] })) });
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `ask` holds ids, key, time and ranges
  }, [ask, version]);
  return { series: answer?.ask === ask ? answer.series : null, error };
}
