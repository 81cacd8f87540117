"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { Sweep } from "./types";

const EVERY_MS = 1000;

/** A sweep with its trials, read again each second while it runs. */
export function useSweep(id: number) {
  const [sweep, setSweep] = useState<Sweep | null>(null);
  const [error, setError] = useState("");
  const [missing, setMissing] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const alive = useRef(true);

  const load = useCallback(async () => {
    clearTimeout(timer.current);
    const r = await api<Sweep>(`/api/sweeps/${id}`);
    if (!alive.current) return;
    if (!r.ok) {
      setError(r.error.message);
      setMissing(r.error.status === 404);
      if (r.error.status !== 404) timer.current = setTimeout(() => void load(), EVERY_MS * 3);
      return;
    }
    setError("");
    setSweep(r.data);
    if (r.data.status === "running") timer.current = setTimeout(() => void load(), EVERY_MS);
  }, [id]);

  useEffect(() => {
    alive.current = true;
    void load();
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, [load]);

  return { sweep, error, missing, refresh: load, setSweep };
}
