import { Readable } from "node:stream";
import { handle, json } from "../../http/handle";
import { artifactFile } from "../../runs/artifacts";
import { requireOwnRunId } from "../../runs/access";
import { compareRuns, getRun, patchRun, runOutputNotebook, runSeries } from "../../runs/get";
import { kernelLogBatch, kernelPutArtifact } from "../../runs/kernel-verbs";
import { listRuns } from "../../runs/list";
import { logBatch } from "../../runs/log-batch";
import { reproduceRun, runNotebook } from "../../runs/start";
import { runEndpoints as e } from "../runs-endpoints";

const attachment = (name: string) => `attachment; filename="${name.replace(/[^\w. -]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export const listRunsHandler = handle(e.listRuns, async ({ ctx, query }) => json(await listRuns({ ctx, input: query })));
export const compareRunsHandler = handle(e.compareRuns, async ({ ctx, query }) => json(await compareRuns({ ctx, input: query })));
export const getRunHandler = handle(e.getRun, async ({ ctx, params }) => json(await getRun({ ctx, input: params })));
export const patchRunHandler = handle(e.patchRun, async ({ ctx, params, body }) => json(await patchRun({ ctx, input: { id: params.id, ...body } })));
export const runSeriesHandler = handle(e.runSeries, async ({ ctx, params, query }) => json(await runSeries({ ctx, input: { ...params, ...query } })));
export const runArtifactHandler = handle(e.runArtifact, async ({ ctx, params }) => {
  const f = await artifactFile({ ctx, input: params });
  return new Response(Readable.toWeb(f.stream) as ReadableStream, {
    headers: { "content-type": "application/octet-stream", "content-length": String(f.size), "content-disposition": attachment(f.name) },
  });
});
export const runOutputHandler = handle(e.runOutput, async ({ ctx, params }) => {
  const { name, content } = await runOutputNotebook({ ctx, input: params });
  return new Response(JSON.stringify(content, null, 1) + "\n", { headers: { "content-type": "application/x-ipynb+json", "content-disposition": attachment(`${name}.ipynb`) } });
});
export const logRunBatchHandler = handle(e.logRunBatch, async ({ ctx, params, body }) => {
  return json(await logBatch(ctx, await requireOwnRunId(ctx, params.id), body));
});
export const runNotebookHandler = handle(e.runNotebook, async ({ ctx, params, body }) => json(await runNotebook({ ctx, input: { id: params.id, params: body.params } }), 202));
export const reproduceRunHandler = handle(e.reproduceRun, async ({ ctx, params }) => json(await reproduceRun({ ctx, input: params }), 202));
export const kernelLogBatchHandler = handle(e.kernelLogBatch, async ({ ctx, req, body }) => json(await kernelLogBatch({ ctx, req, input: body })));
export const kernelPutArtifactHandler = handle(e.kernelPutArtifact, async ({ ctx, req, params, query }) =>
  json(await kernelPutArtifact({ ctx, req, input: { path: params.path, ...query } })),
);
