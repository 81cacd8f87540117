import { handle, json, noContent } from "../../http/handle";
import { type Sequenced, subscribe } from "../../execution/events";
import { answerInput, executeCell, executionOutput, interruptKernel, kernelInfo, replayForNewView, restartKernel, withLiveOutputs } from "../../notebook-sessions/verbs";
import { requireOwnNotebook } from "../../notebooks/find";
import { importNotebook } from "../../notebooks/import";
import * as nb from "../../notebooks/manage";
import { notebookModel } from "../../notebooks/serialize";
import { endpoints as e } from "../endpoints";

export const listNotebooksHandler = handle(e.listNotebooks, async ({ ctx, query }) => json(await nb.listNotebooks({ ctx, input: query })));
export const createNotebookHandler = handle(e.createNotebook, async ({ ctx, body }) => json(await nb.createNotebook({ ctx, input: body }), 201));
export const importNotebookHandler = handle(e.importNotebook, async ({ ctx, query, body }) => {
  const { created, notebook } = await importNotebook({ ctx, input: { name: query.name, file: body, onConflict: query.on_conflict } });
  return json(notebook, created ? 201 : 200);
});
export const getNotebookHandler = handle(e.getNotebook, async ({ ctx, params }) => {
  const row = await requireOwnNotebook(ctx, params.id);
  return json(notebookModel(row, await withLiveOutputs(row)));
});
export const saveNotebookHandler = handle(e.saveNotebook, async ({ ctx, params, body }) => json(await nb.saveNotebook({ ctx, input: { id: params.id, patch: body } })));
export const deleteNotebookHandler = handle(e.deleteNotebook, async ({ ctx, params }) => {
  await nb.deleteNotebook({ ctx, input: params });
  return noContent();
});
export const undeleteNotebookHandler = handle(e.undeleteNotebook, async ({ ctx, params }) => json(await nb.undeleteNotebook({ ctx, input: params })));
export const duplicateNotebookHandler = handle(e.duplicateNotebook, async ({ ctx, params, body }) =>
  json(await nb.duplicateNotebook({ ctx, input: { id: params.id, name: body.name } }), 201),
);
export const exportNotebookHandler = handle(e.exportNotebook, async ({ ctx, params }) => {
  const { name, content } = await nb.exportNotebook({ ctx, input: params });
  const file = `${name.replace(/[^\w. -]/g, "_")}.ipynb`;
  return new Response(JSON.stringify(content, null, 1) + "\n", {
    headers: {
      "content-type": "application/x-ipynb+json",
      "content-disposition": `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(`${name}.ipynb`)}`,
    },
  });
});
export const listRevisionsHandler = handle(e.listRevisions, async ({ ctx, params }) => json(await nb.listRevisions({ ctx, input: params })));
export const restoreRevisionHandler = handle(e.restoreRevision, async ({ ctx, params }) =>
  json(await nb.restoreRevision({ ctx, input: { id: params.id, revisionId: params.rev } })),
);
export const clearOutputsHandler = handle(e.clearOutputs, async ({ ctx, params, body }) =>
  json(await nb.clearOutputs({ ctx, input: { id: params.id, cellIds: body.cell_ids } })),
);

export const executeCellHandler = handle(e.executeCell, async ({ ctx, params, body }) =>
  json(await executeCell({ ctx, input: { id: params.id, cellId: body.cell_id, code: body.code } }), 202),
);
export const getKernelHandler = handle(e.getKernel, async ({ ctx, params }) => json(await kernelInfo({ ctx, input: params })));
export const interruptKernelHandler = handle(e.interruptKernel, async ({ ctx, params }) => json(await interruptKernel({ ctx, input: params })));
export const restartKernelHandler = handle(e.restartKernel, async ({ ctx, params }) => json(await restartKernel({ ctx, input: params })));
export const answerInputHandler = handle(e.answerInput, async ({ ctx, params, body }) => {
  await answerInput({ ctx, input: { id: params.id, value: body.value } });
  return noContent();
});
export const executionOutputHandler = handle(e.executionOutput, async ({ ctx, params }) =>
  new Response(await executionOutput({ ctx, input: params }), { headers: { "content-type": "text/plain; charset=utf-8" } }),
);

/**
 * Server-sent events for one notebook. EventSource resumes with Last-Event-ID after a drop;
 * a fresh view gets the kernel state and the running executions from their start.
 */
export const notebookEventsHandler = handle(e.notebookEvents, async ({ ctx, params, req }) => {
  const row = await requireOwnNotebook(ctx, params.id);
  const lastId = req.headers.get("last-event-id");
  const after = lastId && /^\d+$/.test(lastId) ? Number(lastId) : null;
  const enc = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = ({ id, event }: Sequenced) => controller.enqueue(enc.encode(`id: ${id}\ndata: ${JSON.stringify(event)}\n\n`));
      controller.enqueue(enc.encode("retry: 1000\n\n"));
      const unsubscribe = subscribe(row.id, after, replayForNewView, send);
      // a comment every 15 s keeps proxies from closing a quiet stream
      const ping = setInterval(() => controller.enqueue(enc.encode(": ping\n\n")), 15_000);
      stop = () => {
        clearInterval(ping);
        unsubscribe();
      };
    },
    cancel: () => stop(),
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" } });
});
