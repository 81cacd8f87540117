import { z } from "zod";
import { idParam, offsetParam } from "../api/schemas";
import { ValidationError } from "../errors";

const OPS = ["<=", ">=", "<", ">", "="] as const;
export type MetricFilter = { key: string; op: (typeof OPS)[number]; value: number };

/**
 * The runs table's query string: plain filters, `param.<key>=<value>`, `metric.<key>=<op><n>`
 * (on the last value), sort by a column, a param or a metric. Parsed by hand for the
 * dynamic keys; each bad part is a 400 naming it.
 */
export const listRunsQuery = z
  .object({
    notebook_id: idParam.optional(),
    sweep: idParam.optional().describe("A sweep's trials"),
    owner: z.string().max(200).optional(),
    status: z.enum(["queued", "running", "finished", "failed", "killed"]).optional(),
    kind: z.enum(["interactive", "batch", "step"]).optional(),
    sort: z.string().max(300).regex(/^(started_at|duration|status|id|(param|metric)\.[\w\-. /:]+)$/, "must be started_at, duration, status, id, param.<key> or metric.<key>").default("started_at"),
    order: z.enum(["asc", "desc"]).default("desc"),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: offsetParam.default(0),
  })
  .catchall(z.string());

export type ListRunsQuery = z.infer<typeof listRunsQuery>;

export function dynamicFilters(q: Record<string, unknown>): { params: { key: string; value: string }[]; metrics: MetricFilter[] } {
  const params: { key: string; value: string }[] = [];
  const metrics: MetricFilter[] = [];
  for (const [name, raw] of Object.entries(q)) {
    if (name.startsWith("param.")) params.push({ key: name.slice(6), value: String(raw) });
    else if (name.startsWith("metric.")) {
      const v = String(raw);
      const op = OPS.find((o) => v.startsWith(o)) ?? "=";
      const n = Number(v.slice(v.startsWith(op) ? op.length : 0));
      if (!Number.isFinite(n)) throw new ValidationError(`${name}: must be a comparison like <0.5, >=3 or =1`, name);
      metrics.push({ key: name.slice(7), op, value: n });
    }
  }
  return { params, metrics };
}
