"use client";

import { useCallback, useEffect, useState } from "react";
import { api } from "./api";

/** A list fetched from the API on mount, with its error and a refresh for after changes. */
export function useApiList<T>(path: string) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState("");
  const refresh = useCallback(async () => {
    const res = await api<T[]>(path);
    if (res.ok) setItems(res.data);
    else setError(res.error.message);
  }, [path]);
  useEffect(() => void refresh(), [refresh]);
  return { items, error, setError, refresh };
}
