import type { EndpointStats } from "./types";

/** One interval between two reads of the counters. */
export interface LivePoint {
  /** Epoch seconds at the interval's end. */
  t: number;
  /** Requests per second, all of them, and those answered with an error (4xx/5xx). */
  rate: number;
  errors: number;
  /** Latency quantiles in ms over the interval's requests; null when there were none. */
  p50: number | null;
  p99: number | null;
}

const total = (s: EndpointStats, ok?: (status: string) => boolean) => s.requests.reduce((n, r) => n + (!ok || ok(r.status) ? r.count : 0), 0);

/**
 * Prometheus's histogram_quantile over one interval's bucket counts (cumulative, finite
 * bounds): linear within the bucket the rank falls in; past the last bound, that bound.
 */
export function quantile(q: number, buckets: { le: number; count: number }[], count: number): number | null {
  if (count <= 0) return null;
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) return b.count === below ? b.le : lower + ((b.le - lower) * (rank - below)) / (b.count - below);
    lower = b.le;
    below = b.count;
  }
  return buckets.length ? buckets[buckets.length - 1]!.le : null;
}

/** The interval from `prev` to `cur`; a process restart (counters went down) counts from zero. */
export function livePoint(prev: EndpointStats, cur: EndpointStats): LivePoint {
  const reset = cur.latency.count < prev.latency.count || total(cur) < total(prev);
  const from = reset ? { ...prev, requests: [], latency: { buckets: [], count: 0, sum: 0 } } : prev;
  const seconds = Math.max((cur.at - from.at) / 1000, 0.001);
  const before = new Map(from.latency.buckets.map((b) => [b.le, b.count]));
  const buckets = cur.latency.buckets.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) }));
  const count = cur.latency.count - from.latency.count;
  const failed = (s: string) => Number(s) >= 400;
  const ms = (v: number | null) => (v === null ? null : v * 1000);
  return {
    t: cur.at / 1000,
    rate: (total(cur) - total(from)) / seconds,
    errors: (total(cur, failed) - total(from, failed)) / seconds,
    p50: ms(quantile(0.5, buckets, count)),
    p99: ms(quantile(0.99, buckets, count)),
  };
}
