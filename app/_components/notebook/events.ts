import type { NotebookEvent } from "./types";

const TYPES = ["execution", "output", "clear_output", "update_display", "kernel", "input_request", "reset"];
const REOPEN_MS = 5000;

export interface EventHandlers {
  /** Everything that arrived since the last frame, in order. */
  apply: (events: NotebookEvent[]) => void;
  connected: (open: boolean) => void;
  /** A fresh stream after the browser gave up on the old one: what was missed must be reloaded. */
  reopened: () => void;
}

/**
 * The notebook's event stream. EventSource reconnects by itself (with Last-Event-ID);
 * events are queued and applied once per animation frame, so a kernel printing as fast as
 * it can costs one render per frame at most, never one per line.
 */
export function openEvents(notebookId: number, h: EventHandlers): () => void {
  let es: EventSource | null = null;
  let closed = false;
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;
  let queue: NotebookEvent[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length && !closed) h.apply(batch);
  };
  const onMessage = (m: MessageEvent<string>) => {
    try {
      queue.push(JSON.parse(m.data) as NotebookEvent);
    } catch {
      return; // a comment or keep-alive
    }
    if (scheduled) return;
    scheduled = true;
    // Hidden tabs get no animation frames: a timer keeps the queue from growing unbounded.
    if (document.hidden) setTimeout(flush, 250);
    else requestAnimationFrame(flush);
  };

  const open = (again: boolean) => {
    const source = new EventSource(`/api/notebooks/${notebookId}/events`);
    es = source;
    source.onmessage = onMessage;
    // Named events too, in case the server tags them with `event:`: those never reach onmessage.
    for (const t of TYPES) source.addEventListener(t, onMessage as EventListener);
    source.onopen = () => {
      h.connected(true);
      if (again) h.reopened();
      again = false;
    };
    source.onerror = () => {
      h.connected(false);
      // CLOSED: the browser will not retry (an HTTP error, not a dropped connection); we do.
      if (source.readyState === EventSource.CLOSED && !closed) reopenTimer = setTimeout(() => open(true), REOPEN_MS);
    };
  };
  open(false);
  return () => {
    closed = true;
    if (reopenTimer) clearTimeout(reopenTimer);
    es?.close();
  };
}
