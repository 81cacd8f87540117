import { cancelGpuRequest, deleteGpuQuota, gpuOverview, gpuUsage, listGpuQuotas, moveGpuRequest, myGpuQuota, rescanGpus, setGpuQuota, usageCsv } from "../../gpus/admin";
import { handle, json, noContent } from "../../http/handle";
import { gpuEndpoints as e } from "../gpu-endpoints";

export const gpuOverviewHandler = handle(e.gpuOverview, async ({ ctx }) => json(await gpuOverview({ ctx })));
export const rescanGpusHandler = handle(e.rescanGpus, async ({ ctx }) => json(await rescanGpus({ ctx })));
export const cancelGpuRequestHandler = handle(e.cancelGpuRequest, async ({ ctx, params }) => {
  await cancelGpuRequest({ ctx, input: params });
  return noContent();
});
export const moveGpuRequestHandler = handle(e.moveGpuRequest, async ({ ctx, params, body }) => {
  await moveGpuRequest({ ctx, input: { id: params.id, priority: body.priority } });
  return noContent();
});
export const listGpuQuotasHandler = handle(e.listGpuQuotas, async ({ ctx }) => json(await listGpuQuotas({ ctx })));
export const setGpuQuotaHandler = handle(e.setGpuQuota, async ({ ctx, params, body }) => json(await setGpuQuota({ ctx, input: { ...params, ...body } })));
export const deleteGpuQuotaHandler = handle(e.deleteGpuQuota, async ({ ctx, params }) => {
  await deleteGpuQuota({ ctx, input: params });
  return noContent();
});
export const gpuUsageHandler = handle(e.gpuUsage, async ({ ctx, query }) => {
  const report = await gpuUsage({ ctx, input: query });
  if (query.format === "json") return json(report);
  return new Response(usageCsv(report), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="gpu-usage-${report.month}.csv"` },
  });
});
export const myGpuQuotaHandler = handle(e.myGpuQuota, async ({ ctx }) => json(await myGpuQuota({ ctx })));
