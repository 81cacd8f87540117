import type { Ctx } from "../auth/principal";
import { metrics } from "../metrics";
import { requireEndpoint } from "./manage";
import { servingProcess } from "./process/parent";

/**
 * An endpoint's counters as the serving process has them since it started (computed there,
 * read by the main process over IPC): requests by version
 * and status, and the latency histogram (cumulative buckets, as Prometheus keeps them).
 * The endpoint page reads them every few seconds and takes differences itself, so it needs
 * no read:metrics scope and Kiln keeps no time series. Each serving process counts what it
 * answered; the main process sums them (sumStats). With several Kiln replicas each answers
 * for the requests it served.
 */
export interface EndpointStats {
  name: string;
  /** When the counters were read (epoch ms): the page's rates divide by the difference. */
  at: number;
  requests: { version: number; status: string; count: number }[];
  /** Finite bucket bounds only (JSON has no +Inf): `count` is the +Inf bucket. */
  latency: { buckets: { le: number; count: number }[]; count: number; sum: number };
}

export async function endpointStats(name: string): Promise<EndpointStats> {
  const { registry } = metrics();
  // getSingleMetric, not the typed fields: the same objects, read the way /metrics reads them
  const requests = await registry.getSingleMetric("kiln_endpoint_requests_total")?.get();
  const latency = await registry.getSingleMetric("kiln_endpoint_latency_seconds")?.get();
  const mine = <T extends { labels: Record<string, string | number | undefined> }>(values: T[] | undefined) => (values ?? []).filter((v) => v.labels.endpoint === name);
  const buckets: { le: number; count: number }[] = [];
  let count = 0;
  let sum = 0;
  for (const v of mine(latency?.values as { labels: Record<string, string | number>; value: number; metricName?: string }[] | undefined)) {
    if (v.metricName?.endsWith("_bucket")) {
      const le = Number(v.labels.le);
      if (Number.isFinite(le)) buckets.push({ le, count: v.value });
    } else if (v.metricName?.endsWith("_count")) count = v.value;
    else if (v.metricName?.endsWith("_sum")) sum = v.value;
  }
  return {
    name,
    at: Date.now(),
    requests: mine(requests?.values)
      .map((v) => ({ version: Number(v.labels.version), status: String(v.labels.status), count: v.value }))
      .sort((a, b) => a.version - b.version || a.status.localeCompare(b.status)),
    latency: { buckets: buckets.sort((a, b) => a.le - b.le), count, sum },
  };
}

/** Several serving processes' counters for one endpoint as one. */
export function sumStats(name: string, each: EndpointStats[]): EndpointStats {
  const requests = new Map<string, EndpointStats["requests"][number]>();
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const s of each) {
    for (const r of s.requests) {
      const key = `${r.version}|${r.status}`;
      const seen = requests.get(key);
      if (seen) seen.count += r.count;
      else requests.set(key, { ...r });
    }
    for (const b of s.latency.buckets) buckets.set(b.le, (buckets.get(b.le) ?? 0) + b.count);
    count += s.latency.count;
    sum += s.latency.sum;
  }
  return {
    name,
    at: Date.now(),
    requests: [...requests.values()].sort((a, b) => a.version - b.version || a.status.localeCompare(b.status)),
    latency: { buckets: [...buckets].map(([le, n]) => ({ le, count: n })).sort((a, b) => a.le - b.le), count, sum },
  };
}

/** The API's verb: the same access as GET /api/endpoints/{name} (its owner and admins). */
export async function getEndpointStats({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<EndpointStats> {
  const row = await requireEndpoint(ctx, input.name);
  return servingProcess().stats(row.name); // counted where the requests are answered
}
