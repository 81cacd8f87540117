"use client";

import "@xterm/xterm/css/xterm.css";
import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import { useCallback, useEffect, useRef, useState } from "react";
import { ServerNotRunning } from "../jupyter/not-running";
import { closeTerminal, openTerminal, parseFrame, terminalSocketUrl } from "./terminals";

type State = "connecting" | "connected" | "disconnected" | "ended" | "not-running";

const STATUS: Record<State, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  disconnected: "Disconnected",
  ended: "Disconnected: the shell exited",
  "not-running": "Disconnected",
};

const THEME = { background: "#14171c", foreground: "#e6e8eb", cursor: "#f97316", selectionBackground: "#3b4250" };

/** A terminal on the user's server: xterm.js speaking terminado's JSON frames over the proxy. */
export function TerminalView({ user, term: initial, children }: { user: string; term: string | null; children?: React.ReactNode }) {
  const screen = useRef<HTMLDivElement>(null);
  const xterm = useRef<{ term: Terminal; fit: FitAddon } | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const name = useRef(initial); // null once the shell has exited: the next connect starts a new one
  const [state, setState] = useState<State>("connecting");
  const [error, setError] = useState("");

  const send = useCallback((frame: unknown[]) => {
    const ws = socket.current;
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }, []);

  // terminado sizes the pty from this: rows and columns, then the pixel size.
  const sendSize = useCallback(() => {
    const x = xterm.current;
    const el = screen.current;
    if (x && el) send(["set_size", x.term.rows, x.term.cols, el.clientHeight, el.clientWidth]);
  }, [send]);

  const connect = useCallback(async () => {
    const old = socket.current;
    socket.current = null;
    old?.close();
    setState("connecting");
    setError("");
    const r = await openTerminal(user, name.current);
    const x = xterm.current;
    if (!x) return; // the page was left meanwhile
    if (!r.ok) {
      setState(r.notRunning ? "not-running" : "disconnected");
      if (!r.notRunning) setError(r.message);
      return;
    }
    name.current = r.data;
    // A reload, or the link copied from the address bar, comes back to this terminal.
    window.history.replaceState(null, "", `?term=${encodeURIComponent(r.data)}`);
    const ws = new WebSocket(terminalSocketUrl(user, r.data));
    socket.current = ws;
    ws.onopen = () => {
      x.term.reset(); // terminado replays the terminal's recent output on every connection
      setState("connected");
      sendSize();
      x.term.focus();
    };
    ws.onmessage = (m: MessageEvent) => {
      const f = parseFrame(m.data);
      if (f?.[0] === "stdout") x.term.write(f[1]);
      else if (f?.[0] === "disconnect") name.current = null;
    };
    ws.onclose = () => {
      if (socket.current !== ws) return; // replaced by a newer connection, or unmounted
      socket.current = null;
      setState(name.current ? "disconnected" : "ended");
    };
  }, [user, sendSize]);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    // xterm.js needs the DOM: loaded in the browser only, never during server rendering.
    void Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]).then(([{ Terminal }, { FitAddon }]) => {
      const el = screen.current;
      if (disposed || !el) return;
      const fontFamily = getComputedStyle(el).getPropertyValue("--font-mono").trim() || "monospace";
      // xterm.js clips each row to its cell: at line height 1 the underscore of common
      // monospace fonts (DejaVu Sans Mono, Liberation Mono) falls just below it and vanishes at
      // device pixel ratio 1. 1.2 gives the glyph's descent room inside the row.
      const term = new Terminal({ cursorBlink: true, fontSize: 14, lineHeight: 1.2, fontFamily, theme: THEME, scrollback: 5000 });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(el);
      xterm.current = { term, fit };
      term.onData((d) => send(["stdin", d]));
      term.onResize(() => sendSize());
      // Follows the window as it resizes; fit() fires onResize when rows or columns change.
      observer = new ResizeObserver(() => fit.fit());
      observer.observe(el);
      fit.fit();
      void connect();
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      const ws = socket.current;
      socket.current = null;
      ws?.close();
      xterm.current?.term.dispose();
      xterm.current = null;
    };
  }, [send, sendSize, connect]);

  async function close() {
    const current = name.current;
    if (!current || !window.confirm("Close this terminal? Programs running in it are stopped.")) return;
    const r = await closeTerminal(user, current);
    if (!r.ok) return setError(r.message);
    name.current = null; // terminado now says "disconnect" and closes the socket
  }

  return (
    <>
      <div className="terminal-head">
        {children}
        <div className="terminal-toolbar">
          <p className={`terminal-status terminal-status-${state}`} role="status">{STATUS[state]}</p>
          {state === "disconnected" ? <button type="button" className="btn btn-primary btn-small" onClick={() => void connect()}>Reconnect</button> : null}
          {state === "ended" ? <button type="button" className="btn btn-primary btn-small" onClick={() => void connect()}>Start a new terminal</button> : null}
          {state === "connected" ? <button type="button" className="btn btn-secondary btn-small" onClick={() => void close()}>Close terminal</button> : null}
        </div>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {state === "not-running" ? <ServerNotRunning /> : null}
      <div ref={screen} className="terminal-screen" role="region" aria-label="Terminal" hidden={state === "not-running"} />
    </>
  );
}
