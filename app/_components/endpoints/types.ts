/** The serving API's answers (lib/api/endpoints-endpoints.ts), as the pages read them. */
export interface TrafficSplit {
  version: number;
  weight: number;
}
export interface EndpointEvent {
  action: string;
  detail: Record<string, unknown>;
  at: string;
  by: string | null;
}
/** An endpoint as the list shows it (GET /api/endpoints); one endpoint's answer adds its history. */
export interface EndpointSummary {
  name: string;
  owner: string;
  model: string;
  model_id: number;
  public: boolean;
  state: "running" | "stopped";
  max_batch: number;
  max_wait_ms: number;
  created_at: string;
  url: string;
  v2_url: string;
  traffic: TrafficSplit[];
}
export interface EndpointDetail extends EndpointSummary {
  history: EndpointEvent[];
}
export interface EndpointStats {
  name: string;
  at: number;
  requests: { version: number; status: string; count: number }[];
  latency: { buckets: { le: number; count: number }[]; count: number; sum: number };
}

export const endpointPage = (name: string) => `/models/endpoints/${encodeURIComponent(name)}`;
/** "v2 90%, v3 10%": weights are relative, so they are shown as shares of their sum. */
export function splitText(traffic: TrafficSplit[]): string {
  const total = traffic.reduce((s, t) => s + t.weight, 0) || 1;
  return traffic.map((t) => `v${t.version} ${+((100 * t.weight) / total).toFixed(1)}%`).join(", ") || "none";
}
