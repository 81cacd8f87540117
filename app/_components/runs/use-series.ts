"use client";

import { useEffect, useState } from "react";
import { api } from "../api";
import { seriesUrl } from "./run-format";
import type { MetricSeries } from "./types";

/**
 * One metric's series for each of the runs, at most 600 points each (the API downsamples).
 * `version` changes when a run logged more (its count or last step moved): then it is read again.
 */
export function useSeries(runIds: number[], key: string, version: string) {
  // kept with the ids they answer, so a chart never pairs one run's series with another run
  const [answer, setAnswer] = useState<{ ids: string; series: MetricSeries[] } | null>(null);
  const [error, setError] = useState("");
  const ids = runIds.join(",");
  useEffect(() => {
    let live = true;
    void Promise.all(ids.split(",").map((id) => api<MetricSeries>(seriesUrl(Number(id), key)))).then((answers) => {
      if (!live) return;
      const failed = answers.find((a) => !a.ok);
      if (failed && !failed.ok) return setError(failed.error.message);
      setError("");
      setAnswer({ ids, series: answers.map((a) => (a.ok ? a.data : { key, downsampled: false, points: [] })) });
    });
    return () => {
      live = false;
    };
  }, [ids, key, version]);
  return { series: answer?.ids === ids ? answer.series : null, error };
}
