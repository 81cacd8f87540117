import { handle, json, noContent } from "../../http/handle";
import { deleteAlias, deleteModel, getModel, getVersion, listModels, patchModel, registerVersion, setAlias, versionFile } from "../../models/registry";
import { kernelRegisterModel } from "../../models/kernel";
import { modelEndpoints as e } from "../models-endpoints";

export const listModelsHandler = handle(e.listModels, async ({ ctx, query }) => json(await listModels({ ctx, input: query })));
export const registerModelVersionHandler = handle(e.registerModelVersion, async ({ ctx, body }) => json(await registerVersion({ ctx, input: body }), 201));
export const getModelHandler = handle(e.getModel, async ({ ctx, params }) => json(await getModel({ ctx, input: params })));
export const patchModelHandler = handle(e.patchModel, async ({ ctx, params, body }) => json(await patchModel({ ctx, input: { ...params, ...body } })));
export const deleteModelHandler = handle(e.deleteModel, async ({ ctx, params }) => {
  await deleteModel({ ctx, input: params });
  return noContent();
});
export const getModelVersionHandler = handle(e.getModelVersion, async ({ ctx, params }) => json(await getVersion({ ctx, input: params })));
export const modelVersionFileHandler = handle(e.modelVersionFile, async ({ ctx, params }) => {
  const f = await versionFile({ ctx, input: params });
  return new Response(f.bytes as unknown as BodyInit, {
    headers: { "content-type": "application/octet-stream", "content-length": String(f.bytes.length), "content-disposition": `attachment; filename="${f.name.replace(/[^\w.-]/g, "_")}"` },
  });
});
export const setModelAliasHandler = handle(e.setModelAlias, async ({ ctx, params, body }) => json(await setAlias({ ctx, input: { ...params, version: body.version } })));
export const deleteModelAliasHandler = handle(e.deleteModelAlias, async ({ ctx, params }) => {
  await deleteAlias({ ctx, input: params });
  return noContent();
});
export const kernelRegisterModelHandler = handle(e.kernelRegisterModel, async ({ ctx, req, body }) => json(await kernelRegisterModel({ ctx, req, input: body }), 201));
