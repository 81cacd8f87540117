"use client";

import { useCallback, useEffect, useState } from "react";
import { api, type ApiError } from "../api";
import { ACTIVE_STATUSES, type RunDetail } from "./types";

const POLL_MS = 2000;
/** An interactive run whose kernel waits between cells changes only when the researcher runs a cell: read it less often. */
const IDLE_POLL_MS = 10_000;

/** A run's detail, read again every 2 s while it is queued or running (its cells and metrics still move), every 10 s while idle. */
export function useRun(id: number) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    const res = await api<RunDetail>(`/api/runs/${id}`);
    if (res.ok) {
      setRun(res.data);
      setError(null);
    } else setError(res.error);
    return res.ok ? res.data : null;
  }, [id]);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const r = await load();
      if (live && r && ACTIVE_STATUSES.includes(r.status)) timer = setTimeout(() => void tick(), r.activity === "idle" ? IDLE_POLL_MS : POLL_MS);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [load]);

  return { run, error, setRun };
}
