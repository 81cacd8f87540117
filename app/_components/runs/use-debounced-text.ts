"use client";

import { useEffect, useState } from "react";

/** A text field's draft, committed after a pause in typing (one request per pause, not per key). */
export function useDebouncedText(value: string, commit: (v: string) => void, ms = 300) {
  const [draft, setDraft] = useState(value);
  // a change from outside (a chip removed, the URL) replaces the draft
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft === value) return;
    const t = setTimeout(() => commit(draft), ms);
    return () => clearTimeout(t);
  }, [draft, value, commit, ms]);
  return [draft, setDraft] as const;
}
