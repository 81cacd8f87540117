import client from "prom-client";
import { expect, test } from "vitest";
import { TallyCounter, TallyHistogram } from "../../lib/tally-metrics";

/**
 * Serving's per-request metrics are kept by lib/tally-metrics.ts, not prom-client: what
 * /metrics shows must not change by it. Same observations into both, same text out, and the
 * serving processes' copies sum as prom-client's do.
 */
test("tally metrics read out exactly as prom-client's, and sum across processes the same way", async () => {
  const theirs = new client.Registry();
  const ours = new client.Registry();
  const bounds = [0.001, 0.01, 0.1];
  const h1 = new client.Histogram({ name: "x_latency_seconds", help: "latency", labelNames: ["endpoint"], buckets: bounds, registers: [theirs] });
  const h2 = new TallyHistogram("x_latency_seconds", "latency", ["endpoint"], bounds, [ours]);
  const c1 = new client.Counter({ name: "x_requests_total", help: "requests", labelNames: ["endpoint", "version", "status"], registers: [theirs] });
  const c2 = new TallyCounter("x_requests_total", "requests", ["endpoint", "version", "status"], [ours]);
  // values on a bound count in it (le), above the last only in +Inf
  for (const [endpoint, v] of [["a", 0.0005], ["a", 0.001], ["a", 0.05], ["a", 3], ["b", 0.01]] as const) {
    h1.labels(endpoint).observe(v);
    h2.labels(endpoint).observe(v);
  }
  for (const [version, status, n] of [["1", "200", 3], ["2", "200", 1], ["1", "400", 2]] as const) {
    for (let i = 0; i < n; i++) {
      c1.labels("a", version, status).inc();
      c2.labels("a", version, status).inc();
    }
  }
  expect(await ours.metrics()).toBe(await theirs.metrics());
  expect(await ours.metrics()).toContain('x_latency_seconds_bucket{le="0.001",endpoint="a"} 2');

  const sum = async (r: client.Registry) => (await client.AggregatorRegistry.aggregate([await r.getMetricsAsJSON(), await r.getMetricsAsJSON()])).metrics();
  expect(await sum(ours)).toBe(await sum(theirs));
  expect(await sum(ours)).toContain('x_requests_total{endpoint="a",version="1",status="200"} 6');

  ours.resetMetrics();
  expect(await ours.metrics()).not.toContain("x_requests_total{");
});
