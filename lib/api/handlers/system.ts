import { getConfig } from "../../config";
import { handle, json } from "../../http/handle";
import { metrics } from "../../metrics";
import { servingProcess } from "../../serving/process/parent";
import { health } from "../../system/health";
import { hubInfo, hubVersion } from "../../system/hub-info";
import { KILN_VERSION } from "../../version";
import { endpoints } from "../endpoints";
import { openApiDocument } from "../openapi";

export const healthHandler = handle(endpoints.health, async () => {
  const h = await health();
  return json(h, h.status === "ok" ? 200 : 503);
});

export const hubVersionHandler = handle(endpoints.hubVersion, async () => json(hubVersion()));
export const hubInfoHandler = handle(endpoints.hubInfo, async ({ ctx }) => json(hubInfo({ ctx })));

let document: ReturnType<typeof openApiDocument> | undefined; // built once: the schemas never change at run time
export const openApiHandler = handle(endpoints.openapi, async () => json((document ??= openApiDocument(KILN_VERSION))));

async function renderMetrics() {
  const { registry } = metrics();
  // served models are counted in the serving process: its lines follow this process's
  return new Response((await registry.metrics()) + (await servingProcess().metricsText()), { headers: { "content-type": registry.contentType } });
}
const guardedMetrics = handle(endpoints.metrics, renderMetrics);
const openMetrics = handle({ ...endpoints.metrics, auth: "none" }, renderMetrics);

/** Admin-only by default, as JupyterHub's authenticate_prometheus; KILN_METRICS_PUBLIC opens it. */
export const metricsHandler = (req: Request) => (getConfig().metricsPublic ? openMetrics(req) : guardedMetrics(req));
