import { handle, json, noContent } from "../../http/handle";
import { setGate } from "../../serving/gate";
import { endpointOpenApi } from "../../serving/openapi";
import { commitSamplesNow, setSampleRate } from "../../serving/samples";
import { servingExtraEndpoints as e } from "../serving-extra-endpoints";

export const setEndpointGateHandler = handle(e.setEndpointGate, async ({ ctx, params, body }) => json(await setGate({ ctx, input: { name: params.name, gate: body } })));
export const clearEndpointGateHandler = handle(e.clearEndpointGate, async ({ ctx, params }) => {
  await setGate({ ctx, input: { name: params.name, gate: null } });
  return noContent();
});
export const endpointOpenApiHandler = handle(e.endpointOpenApi, async ({ ctx, params }) => json(await endpointOpenApi({ ctx, input: params })));
export const setEndpointSamplingHandler = handle(e.setEndpointSampling, async ({ ctx, params, body }) => json(await setSampleRate({ ctx, input: { name: params.name, rate: body.rate } })));
export const commitEndpointSamplesHandler = handle(e.commitEndpointSamples, async ({ ctx, params }) => json(await commitSamplesNow({ ctx, input: params })));
