"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import { isActive, type PipelineRun } from "./run-types";
import type { PipelineDetail } from "./types";

const EVERY_MS = 1000;

/** A pipeline run, read again each second while it is queued or running, and the definition it ran (for the DAG's edges). */
export function usePipelineRun(id: number) {
  const [run, setRun] = useState<PipelineRun | null>(null);
  const [definition, setDefinition] = useState<PipelineDetail | null>(null);
  const [error, setError] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const alive = useRef(true);

  const load = useCallback(async () => {
    clearTimeout(timer.current);
    const r = await api<PipelineRun>(`/api/pipeline-runs/${id}`);
    if (!alive.current) return;
    if (!r.ok) {
      setError(r.error.message);
      if (r.error.status !== 404) timer.current = setTimeout(() => void load(), EVERY_MS * 3);
      return;
    }
    setError("");
    setRun(r.data);
    if (isActive(r.data.status)) timer.current = setTimeout(() => void load(), EVERY_MS);
  }, [id]);

  useEffect(() => {
    alive.current = true;
    void load();
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, [load]);

  const pipelineId = run?.pipeline_id;
  const version = run?.version;
  useEffect(() => {
    if (!pipelineId || !version) return;
    void api<PipelineDetail>(`/api/pipelines/${pipelineId}/versions/${version}`).then((r) => r.ok && setDefinition(r.data));
  }, [pipelineId, version]);

  return { run, definition, error, refresh: load };
}
