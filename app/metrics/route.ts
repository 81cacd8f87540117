import { endpoints } from "@/lib/api/endpoints";
import { handle } from "@/lib/http/handle";
import { getConfig } from "@/lib/config";
import { metrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

const publicMetrics = { ...endpoints.metrics, auth: "none" as const };

async function render() {
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
}

const guarded = handle(endpoints.metrics, render);
const open = handle(publicMetrics, render);

/** Admin-only by default, as JupyterHub's authenticate_prometheus; KILN_METRICS_PUBLIC opens it. */
export const GET = (req: Request) => (getConfig().metricsPublic ? open(req) : guarded(req));
