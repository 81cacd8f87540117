"use client";

import { useCallback, useEffect, useState } from "react";

export interface ColumnChoice {
  params: string[];
  metrics: string[];
}

const STORAGE_KEY = "kiln.runs.columns";
/** Without a choice yet, the first few of each: a table with 500 metric columns helps no one. */
const DEFAULT_COUNT = 6;

function readChoice(): ColumnChoice | null {
  try {
    const v = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null");
    return v && Array.isArray(v.params) && Array.isArray(v.metrics) ? v : null;
  } catch {
    return null; // storage blocked or garbled: fall back to the default columns
  }
}

/** Which param and metric columns the runs table shows, remembered in this browser. */
export function useColumnChoice(paramKeys: string[], metricKeys: string[]) {
  const [choice, setChoice] = useState<ColumnChoice | null>(null);
  // read after mount: the server render has no localStorage, and both renders must agree
  useEffect(() => setChoice(readChoice()), []);

  const shown: ColumnChoice = choice
    ? { params: choice.params.filter((k) => paramKeys.includes(k)), metrics: choice.metrics.filter((k) => metricKeys.includes(k)) }
    : { params: paramKeys.slice(0, DEFAULT_COUNT), metrics: metricKeys.slice(0, DEFAULT_COUNT) };

  const toggle = useCallback(
    (kind: keyof ColumnChoice, key: string) => {
      const base = choice ?? shown;
      const list = base[kind].includes(key) ? base[kind].filter((k) => k !== key) : [...base[kind], key];
      const next = { ...base, [kind]: list };
      setChoice(next);
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      } catch {
        /* private mode: the choice lasts for this page only */
      }
    },
    [choice, shown],
  );
  return { shown, toggle };
}
