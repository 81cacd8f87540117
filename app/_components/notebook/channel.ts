import type { ChannelFrame, ChannelOp } from "@/lib/execution/channel-protocol";
import type { ApiError, ApiResult } from "../api";
import type { NbOutput, NotebookEvent } from "./types";

export interface ChannelHandlers {
  /** Everything that arrived since the last frame, in order. */
  apply: (events: NotebookEvent[]) => void;
  connected: (open: boolean) => void;
  /** Reconnected without a position to resume from: what was missed must be reloaded. */
  reopened: () => void;
  /** True while events are to be applied as they arrive, not at the next frame (a run key's hold). */
  eager?: () => boolean;
}

export interface NotebookChannel {
  /** Sends a command; null when the socket is not open (the caller falls back to the REST call). */
  request<T>(op: ChannelOp, body?: Record<string, unknown>): Promise<ApiResult<T>> | null;
  close(): void;
}

const RETRY_MS = [500, 1000, 2000, 5000];
const LOST: ApiError = { status: 0, code: "network", message: "The connection to Kiln dropped. Check your connection and try again." };

/**
 * The notebook's WebSocket channel (/api/notebooks/{id}/channel): events in, commands out,
 * one socket authenticated once. It reconnects by itself and resumes after the last event
 * it saw. Events are applied once per animation frame, so a kernel printing as fast as it
 * can costs one render per frame at most, never one per line.
 */
export function openChannel(notebookId: number, h: ChannelHandlers): NotebookChannel {
  let ws: WebSocket | null = null;
  let closed = false;
  let lastId: number | null = null;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let queue: NotebookEvent[] = [];
  let scheduled = false;
  let seq = 0;
  const pending = new Map<string, (r: ApiResult<never>) => void>();

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length && !closed) h.apply(batch);
  };
  const onMessage = (m: MessageEvent<string>) => {
    let msg: ChannelFrame<NbOutput>;
    try {
      msg = JSON.parse(m.data);
    } catch {
      return;
    }
    if ("reply" in msg) {
      const done = pending.get(String(msg.reply));
      pending.delete(String(msg.reply));
      done?.(msg.ok ? { ok: true, data: msg.data as never } : { ok: false, error: { status: 400, ...msg.error } });
      return;
    }
    if (!msg.event) return;
    // (a notice for this view alone, such as the server starting, has no id to resume from)
    if (typeof msg.id === "number") lastId = msg.id;
    queue.push(msg.event);
    // While the page holds a run key's changes for the kernel's answer, events are applied
    // as they come: held, they change nothing on screen, so no frame is asked for (after a
    // key, Chromium holds the page's next messages behind a frame asked for), and the answer
    // is applied the moment it arrives, to be painted in the next frame.
    if (h.eager?.()) return flush();
    if (scheduled) return;
    scheduled = true;
    // Hidden tabs get no animation frames: a timer keeps the queue from growing unbounded.
    if (document.hidden) setTimeout(flush, 250);
    else requestAnimationFrame(flush);
  };

  const open = (again: boolean) => {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const resumeFrom = lastId;
    const socket = new WebSocket(`${proto}//${location.host}/api/notebooks/${notebookId}/channel${resumeFrom === null ? "" : `?after=${resumeFrom}`}`);
    ws = socket;
    socket.onmessage = onMessage;
    socket.onopen = () => {
      failures = 0;
      h.connected(true);
      if (again && resumeFrom === null) h.reopened();
    };
    socket.onclose = (e) => {
      if (ws !== socket) return;
      ws = null;
      for (const done of pending.values()) done({ ok: false, error: LOST });
      pending.clear();
      if (closed) return;
      // 4401: this browser's session was ended (signed out elsewhere, or by an admin).
      if (e.code === 4401) return location.assign(`/signin?callbackUrl=${encodeURIComponent(location.pathname)}`);
      h.connected(false);
      retryTimer = setTimeout(() => open(true), RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
    };
  };
  open(false);

  return {
    request<T>(op: ChannelOp, body: Record<string, unknown> = {}) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return null;
      const request_id = String(++seq);
      const socket = ws;
      return new Promise<ApiResult<T>>((resolve) => {
        pending.set(request_id, resolve as (r: ApiResult<never>) => void);
        socket.send(JSON.stringify({ op, request_id, ...body }));
      });
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      ws?.close();
    },
  };
}
