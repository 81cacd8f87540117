"use client";

import "@xterm/xterm/css/xterm.css";
import type { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import styles from "./pipelines.module.css";
import type { StepLogPage } from "./run-types";

const THEME = { background: "#14171c", foreground: "#e6e8eb", cursor: "#14171c", selectionBackground: "#3b4250" };
const POLL_MS = 1000;

/** The terminal itself, read-only: xterm.js needs the DOM, so it is loaded in the browser only (as the Terminal page does). */
function useReadOnlyTerminal(el: React.RefObject<HTMLDivElement | null>) {
  const [term, setTerm] = useState<Terminal | null>(null);
  useEffect(() => {
    let disposed = false;
    let made: Terminal | null = null;
    let observer: ResizeObserver | null = null;
    void Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]).then(([{ Terminal }, { FitAddon }]) => {
      const box = el.current;
      if (disposed || !box) return;
      const fontFamily = getComputedStyle(box).getPropertyValue("--font-mono").trim() || "monospace";
      // convertEol: a print's bare "\n" starts its line at the left, as a terminal's tty would
      made = new Terminal({ disableStdin: true, cursorBlink: false, convertEol: true, fontSize: 13, lineHeight: 1.2, fontFamily, theme: THEME, scrollback: 10000 });
      const fit = new FitAddon();
      made.loadAddon(fit);
      made.open(box);
      observer = new ResizeObserver(() => fit.fit());
      observer.observe(box);
      fit.fit();
      setTerm(made);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      made?.dispose();
    };
  }, [el]);
  return term;
}

/** A step's output as its terminal showed it (colours, progress bars), followed until the step can write no more. */
export function StepLog({ runId, step }: { runId: number; step: string }) {
  const el = useRef<HTMLDivElement>(null);
  const term = useReadOnlyTerminal(el);
  const [state, setState] = useState<"following" | "done" | "error">("following");
  useEffect(() => {
    if (!term) return;
    term.reset(); // another step: its own output from the start
    setState("following");
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let after = 0;
    let attempt: number | null = null;
    const poll = async () => {
      const r = await api<StepLogPage>(`/api/pipeline-runs/${runId}/steps/${encodeURIComponent(step)}/log?after=${after}`);
      if (stopped) return;
      if (!r.ok) {
        setState("error");
        timer = setTimeout(() => void poll(), POLL_MS * 3);
        return;
      }
      setState(r.data.done ? "done" : "following");
      for (const c of r.data.chunks) {
        if (attempt !== null && c.attempt !== attempt) term.write(`\r\n\x1b[2m── attempt ${c.attempt} ──\x1b[0m\r\n`);
        attempt = c.attempt;
        term.write(c.data);
      }
      after = r.data.next;
      if (!r.data.done) timer = setTimeout(() => void poll(), r.data.chunks.length >= 500 ? 0 : POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [term, runId, step]);
  return (
    <>
      <p className="muted" role="status" data-testid="step-log-state">
        {state === "done" ? "The step has ended: its whole log." : state === "error" ? "Could not read the log; trying again…" : "Following the log as the step writes it…"}
      </p>
      <div ref={el} className={styles.log} data-testid="step-log" role="region" aria-label={`Log of step ${step}`} />
    </>
  );
}
