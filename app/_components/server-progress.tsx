"use client";

import { useEffect, useRef, useState } from "react";

interface ProgressEvent {
  progress: number;
  message: string;
  ready?: boolean;
  failed?: boolean;
}

/** Follows a server's progress stream (server-sent events) until it is ready or has failed. */
export function ServerProgress({ url, label, onDone }: { url: string; label: string; onDone: (ok: boolean, message: string) => void }) {
  const [state, setState] = useState({ progress: 0, message: "Waiting for the server…" });
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  }, [onDone]);

  useEffect(() => {
    const es = new EventSource(url);
    es.onmessage = (m: MessageEvent<string>) => {
      let e: ProgressEvent;
      try {
        e = JSON.parse(m.data) as ProgressEvent;
      } catch {
        return;
      }
      setState({ progress: e.progress, message: e.message });
      // The stream ends after ready/failed; close it first so EventSource does not reconnect.
      if (e.ready || e.failed) {
        es.close();
        done.current(!!e.ready, e.message);
      }
    };
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) done.current(false, "Lost the connection to the progress stream. Reload the page to see the server's state.");
    };
    return () => es.close();
  }, [url]);

  return (
    <div className="server-progress">
      <label htmlFor="server-progress-bar">{label}</label>
      <progress id="server-progress-bar" max={100} value={state.progress}>
        {state.progress}%
      </progress>
      <p className="muted" aria-live="polite">
        {state.message}
      </p>
    </div>
  );
}
