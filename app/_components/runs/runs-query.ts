/**
 * The runs table's state, and its query string. The page's URL carries exactly the query
 * GET /api/runs takes (`notebook_id`, `param.lr=0.1`, `metric.loss=<0.5`, `sort`, ...), so a
 * filtered table is a link to share and the API's error for a bad filter names what the user typed.
 */
export const METRIC_OPS = ["<", "<=", ">", ">=", "="] as const;
export type MetricOp = (typeof METRIC_OPS)[number];

export interface RunFilters {
  notebook_id: string;
  owner: string;
  status: string;
  kind: string;
  params: { key: string; value: string }[];
  metrics: { key: string; op: MetricOp; value: string }[];
  sort: string;
  order: "asc" | "desc";
  limit: number;
  offset: number;
}

export const PAGE_SIZES = [25, 50, 100, 200];

export function filtersFromQuery(query: string): RunFilters {
  const q = new URLSearchParams(query);
  const f: RunFilters = {
    notebook_id: q.get("notebook_id") ?? "", owner: q.get("owner") ?? "", status: q.get("status") ?? "", kind: q.get("kind") ?? "",
    params: [], metrics: [],
    sort: q.get("sort") ?? "started_at", order: q.get("order") === "asc" ? "asc" : "desc",
    limit: Number(q.get("limit")) || 50, offset: Math.max(0, Number(q.get("offset")) || 0),
  };
  for (const [name, raw] of q) {
    if (name.startsWith("param.")) f.params.push({ key: name.slice(6), value: raw });
    if (name.startsWith("metric.")) {
      // longest first: "<=" before "<"
      const op = ([...METRIC_OPS].sort((a, b) => b.length - a.length).find((o) => raw.startsWith(o)) ?? "=") as MetricOp;
      f.metrics.push({ key: name.slice(7), op, value: raw.startsWith(op) ? raw.slice(op.length) : raw });
    }
  }
  return f;
}

export function queryOf(f: RunFilters): string {
  const q = new URLSearchParams();
  for (const k of ["notebook_id", "owner", "status", "kind"] as const) if (f[k].trim()) q.set(k, f[k].trim());
  for (const p of f.params) q.set(`param.${p.key}`, p.value);
  for (const m of f.metrics) q.set(`metric.${m.key}`, `${m.op}${m.value}`);
  if (f.sort !== "started_at") q.set("sort", f.sort);
  if (f.order !== "desc") q.set("order", f.order);
  if (f.limit !== 50) q.set("limit", String(f.limit));
  if (f.offset) q.set("offset", String(f.offset));
  return q.toString();
}

/** A click on a column header: the same column flips its order, another starts descending. */
export function sortedBy(f: RunFilters, field: string): RunFilters {
  const order = f.sort === field ? (f.order === "desc" ? "asc" : "desc") : "desc";
  return { ...f, sort: field, order, offset: 0 };
}
