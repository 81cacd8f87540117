import { handle, json, noContent } from "../../http/handle";
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, patchEndpoint, rotateEndpointToken, setTraffic } from "../../serving/manage";
import { getEndpointStats } from "../../serving/stats";
import { endpointEndpoints as e } from "../endpoints-endpoints";

export const listEndpointsHandler = handle(e.listEndpoints, async ({ ctx }) => json(await listEndpoints({ ctx })));
export const createEndpointHandler = handle(e.createEndpoint, async ({ ctx, body }) => json(await createEndpoint({ ctx, input: body }), 201));
export const getEndpointHandler = handle(e.getEndpoint, async ({ ctx, params }) => json(await getEndpoint({ ctx, input: params })));
export const getEndpointStatsHandler = handle(e.getEndpointStats, async ({ ctx, params }) => json(await getEndpointStats({ ctx, input: params })));
export const patchEndpointHandler = handle(e.patchEndpoint, async ({ ctx, params, body }) => json(await patchEndpoint({ ctx, input: { ...params, ...body } })));
export const setEndpointTrafficHandler = handle(e.setEndpointTraffic, async ({ ctx, params, body }) => json(await setTraffic({ ctx, input: { name: params.name, ...body } })));
export const rotateEndpointTokenHandler = handle(e.rotateEndpointToken, async ({ ctx, params }) => json(await rotateEndpointToken({ ctx, input: params })));
export const deleteEndpointHandler = handle(e.deleteEndpoint, async ({ ctx, params }) => {
  await deleteEndpoint({ ctx, input: params });
  return noContent();
});
