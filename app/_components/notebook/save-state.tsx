"use client";

import type { SaveState } from "./saver";
import { useSignal } from "./signal";
import { useController } from "./use-store";

function text(s: SaveState): string {
  switch (s.kind) {
    case "saved":
      return "Saved";
    case "saving":
      return "Saving…";
    case "dirty":
      return "Unsaved changes";
    case "conflict":
      return "Edited elsewhere";
    case "error":
      return `Not saved (${s.message}): retrying`;
  }
}

/** Saved / Saving… / Unsaved changes, announced politely. */
export function SaveStateLabel() {
  const c = useController();
  const s = useSignal(c.saver.state);
  return (
    <span className={`nb-save nb-save-${s.kind}`} data-testid="save-state" aria-live="polite">
      {text(s)}
    </span>
  );
}
