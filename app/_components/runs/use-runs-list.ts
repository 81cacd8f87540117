"use client";

import { useEffect, useRef, useState } from "react";
import { api, type ApiError } from "../api";
import type { RunList } from "./types";

/**
 * The page of runs for a query string. The previous page stays on screen while the next
 * loads (no flash), and only the latest request may answer.
 */
export function useRunsList(query: string) {
  const [data, setData] = useState<RunList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const mine = ++latest.current;
    setLoading(true);
    void api<RunList>(`/api/runs${query ? `?${query}` : ""}`).then((res) => {
      if (mine !== latest.current) return;
      setLoading(false);
      if (res.ok) {
        setData(res.data);
        setError(null);
      } else setError(res.error);
    });
  }, [query, tick]);

  return { data, error, loading, reload: () => setTick((x) => x + 1) };
}
