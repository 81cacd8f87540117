import client from "prom-client";
import { TallyCounter, TallyHistogram } from "./tally-metrics";

const KEY = Symbol.for("kiln.metrics");

/** Counted in the serving process (lib/serving/process/child.ts), not in Kiln's main process. */
export const SERVING_METRICS = ["kiln_endpoint_requests_total", "kiln_endpoint_latency_seconds", "kiln_endpoint_batch_size", "kiln_serving_model_loaded"];

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "kiln_" });
  return {
    registry,
    httpRequests: new client.Counter({
      name: "kiln_http_requests_total",
      help: "HTTP requests answered, by method, route template and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "kiln_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by route template",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    // counted on every served request: kept as plain numbers (lib/tally-metrics.ts), read out as prom-client's
    endpointRequests: new TallyCounter("kiln_endpoint_requests_total", "Requests to served model endpoints, by endpoint, version and status", ["endpoint", "version", "status"] as const, [registry]),
    endpointLatency: new TallyHistogram(
      "kiln_endpoint_latency_seconds", "Time from a request's arrival to its answer, by endpoint", ["endpoint"] as const,
      [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], [registry],
    ),
    endpointBatch: new TallyHistogram("kiln_endpoint_batch_size", "Requests joined into one model run (dynamic batching), by endpoint", ["endpoint"] as const, [1, 2, 4, 8, 16, 32, 64, 128], [registry]),
    servingLoaded: new client.Gauge({
      name: "kiln_serving_model_loaded",
      help: "Model versions loaded in the serving processes (1 while loaded in any), by model and version",
      labelNames: ["model", "version"] as const,
      aggregator: "max", // summed across serving processes it would count copies, not versions
      registers: [registry],
    }),
    servingConnections: new client.Counter({
      name: "kiln_serving_connections_total",
      help: "Model connections Kiln's main process accepted itself and handed to a serving process (while none held the port: at start-up, or when every one had stopped)",
      registers: [registry],
    }),
    channelCommands: new client.Counter({
      name: "kiln_notebook_channel_commands_total",
      help: "Commands received on notebook WebSocket channels, by operation and outcome",
      labelNames: ["op", "status"] as const,
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof create>;
type G = typeof globalThis & { [KEY]?: Metrics };

/** One registry per process, shared by server.ts and Next's route handlers. */
export function metrics(): Metrics {
  const g = globalThis as G;
  return (g[KEY] ??= create());
}
