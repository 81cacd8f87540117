"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api";
import type { RunLine } from "../runs/chart-data";
import type { ChartSettings } from "../runs/chart-settings";
import { UplotChart, type Styled } from "../runs/uplot-chart";
import styles from "./endpoints.module.css";
import { livePoint, type LivePoint } from "./live-stats";
import type { EndpointStats } from "./types";

const EVERY_MS = 2000;
const KEEP = 90; // three minutes of 2 s intervals
const SETTINGS: ChartSettings = { x: "wall", log: false, smoothing: 0 };
const noop = () => {};

function line(id: number, color: string, points: LivePoint[], y: (p: LivePoint) => number | null): Styled {
  const xs = points.map((p) => p.t);
  const ys = points.map(y);
  const l: RunLine = { id, xs, steps: xs.map((_, i) => i), times: xs, raw: ys, smooth: ys, lo: null, hi: null, downsampled: false };
  return { ...l, color };
}

const fmt = (v: number | null, digits = 1) => (v === null ? "—" : v.toFixed(digits));

/**
 * Requests per second and latency, live: the page reads the endpoint's counters every 2 s
 * (GET /api/endpoints/{name}/stats) and draws the differences. Nothing is stored: the
 * chart starts empty when the page opens. `nudge` reads at once (after a Try-it send).
 */
export function LiveChart({ name, nudge }: { name: string; nudge: number }) {
  const [points, setPoints] = useState<LivePoint[]>([]);
  const [error, setError] = useState("");
  const last = useRef<EndpointStats | null>(null);
  const read = useRef<() => Promise<void>>(async () => {});
  read.current = async () => {
    const r = await api<EndpointStats>(`/api/endpoints/${encodeURIComponent(name)}/stats`);
    if (!r.ok) return setError(r.error.message);
    setError("");
    const prev = last.current;
    last.current = r.data;
    if (prev && r.data.at > prev.at) setPoints((ps) => [...ps, livePoint(prev, r.data)].slice(-KEEP));
  };
  useEffect(() => {
    void read.current();
    const timer = setInterval(() => {
      if (!document.hidden) void read.current(); // a hidden tab has no one watching
    }, EVERY_MS);
    return () => clearInterval(timer);
  }, [name]);
  useEffect(() => {
    if (nudge) void read.current();
  }, [nudge]);

  const rateLines = useMemo(() => [line(1, "#2563eb", points, (p) => p.rate), line(2, "#dc2626", points, (p) => p.errors)], [points]);
  const latencyLines = useMemo(() => [line(1, "#2563eb", points, (p) => p.p50), line(2, "#9333ea", points, (p) => p.p99)], [points]);
  const now = points[points.length - 1];
  // the latest interval that had requests: latency of an idle interval is unknown, not 0
  const recent = [...points].reverse().find((p) => p.p50 !== null);

  return (
    <section className="card" aria-labelledby="live-heading">
      <h2 id="live-heading">Live</h2>
      <p className="hint">Read from this Kiln process every 2 s; latency is server-side (arrival to answer), estimated from the histogram&rsquo;s buckets.</p>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <dl className={styles.figures} aria-live="off">
        <div><dt>Requests/s</dt><dd data-testid="live-rate">{fmt(now?.rate ?? null, 2)}</dd></div>
        <div><dt>Errors/s</dt><dd data-testid="live-errors">{fmt(now?.errors ?? null, 2)}</dd></div>
        <div><dt>p50 latency (ms)</dt><dd data-testid="live-p50">{fmt(recent?.p50 ?? null, 2)}</dd></div>
        <div><dt>p99 latency (ms)</dt><dd data-testid="live-p99">{fmt(recent?.p99 ?? null, 2)}</dd></div>
      </dl>
      {points.length < 2 ? <p className="muted">Waiting for a few readings…</p> : (
        <div className={styles.charts}>
          <figure className="run-chart-figure">
            <figcaption>Requests per second (blue), errors per second (red)</figcaption>
            <UplotChart lines={rateLines} settings={SETTINGS} title="Requests and errors per second over the last minutes" zoom={null} onCursor={noop} onZoom={noop} />
          </figure>
          <figure className="run-chart-figure">
            <figcaption>Latency in ms: p50 (blue), p99 (purple)</figcaption>
            <UplotChart lines={latencyLines} settings={SETTINGS} title="p50 and p99 latency in milliseconds over the last minutes" zoom={null} onCursor={noop} onZoom={noop} />
          </figure>
        </div>
      )}
    </section>
  );
}
