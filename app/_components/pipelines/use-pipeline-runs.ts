"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import { isActive, type PipelineRun, type PipelineRunSummary } from "./run-types";

const EVERY_MS = 2000;

/** A pipeline's runs, newest first, and the latest in detail (its steps colour the DAG); followed while it runs. */
export function usePipelineRuns(pipelineId: number) {
  const [runs, setRuns] = useState<PipelineRunSummary[] | null>(null);
  const [latest, setLatest] = useState<PipelineRun | null>(null);
  const [error, setError] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const alive = useRef(true);

  const load = useCallback(async () => {
    clearTimeout(timer.current);
    const list = await api<{ runs: PipelineRunSummary[] }>(`/api/pipelines/${pipelineId}/runs?limit=50`);
    if (!alive.current) return;
    if (!list.ok) return setError(list.error.message);
    setRuns(list.data.runs);
    const first = list.data.runs[0];
    const detail = first ? await api<PipelineRun>(`/api/pipeline-runs/${first.id}`) : null;
    if (!alive.current) return;
    setLatest(detail?.ok ? detail.data : null);
    if (list.data.runs.some((r) => isActive(r.status))) timer.current = setTimeout(() => void load(), EVERY_MS);
  }, [pipelineId]);

  useEffect(() => {
    alive.current = true;
    void load();
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, [load]);
  return { runs, latest, error, refresh: load };
}
