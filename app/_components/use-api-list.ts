"use client";

import { useCallback, useEffect, useState } from "react";
import { api } from "./api";

/** A list fetched from the API on mount (`pick` finds it in the answer), with its error and a refresh for after changes. */
export function useApiList<T>(path: string, pick: (data: unknown) => T[] = (d) => d as T[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState("");
  const refresh = useCallback(async () => {
    const res = await api<unknown>(path);
    if (res.ok) setItems(pick(res.data));
    else setError(res.error.message);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `pick` is a plain accessor, not state
  }, [path]);
  useEffect(() => void refresh(), [refresh]);
  return { items, error, setError, refresh };
}
