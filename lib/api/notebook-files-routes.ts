import { openServerNotebook, saveNotebookToServer } from "../notebooks/server-files";
import { handle, json } from "../http/handle";
import type { Endpoint } from "./endpoint";
import { notebookFileEndpoints as e } from "./notebook-files-endpoints";
import type { Handler } from "./routes";

export const notebookFileRoutes: [Endpoint, Handler][] = [
  [e.openServerNotebook, handle(e.openServerNotebook, async ({ ctx, body }) => json(await openServerNotebook({ ctx, input: body })))],
  [e.saveNotebookToServer, handle(e.saveNotebookToServer, async ({ ctx, params, body }) => json(await saveNotebookToServer({ ctx, input: { id: params.id, path: body.path } })))],
];
